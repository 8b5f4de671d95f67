package fr.rempart.platform.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import fr.rempart.platform.config.Settings;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * The application's own connection pool: PostgreSQL when {@code rempart.db.url} is set, otherwise
 * an embedded H2 file database under the data directory. Rempart does not use Payara's default
 * data source, whose H2 opens a TCP port on every interface.
 */
@ApplicationScoped
public class Database {

    private static final Logger LOG = Logger.getLogger(Database.class.getName());

    private HikariDataSource dataSource;
    private boolean embedded;

    protected Database() {
    }

    @Inject
    public Database(Settings settings) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("rempart");
        hikari.setMaximumPoolSize(settings.dbPoolSize());
        hikari.setAutoCommit(true);
        if (settings.dbUrl().isPresent()) {
            String url = settings.dbUrl().get();
            if (!url.startsWith("jdbc:postgresql:")) {
                throw new IllegalStateException("rempart.db.url must be a PostgreSQL JDBC URL (jdbc:postgresql://…)");
            }
            hikari.setDriverClassName("org.postgresql.Driver");
            hikari.setJdbcUrl(url);
            settings.dbUser().ifPresent(hikari::setUsername);
            settings.dbPassword().ifPresent(hikari::setPassword);
            // Lets the driver send a JDBC batch as multi-row INSERTs: imports are batch-bound.
            hikari.addDataSourceProperty("reWriteBatchedInserts", "true");
            embedded = false;
        } else {
            Path dir = settings.dataDir().resolve("db");
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create the data directory " + dir, e);
            }
            hikari.setDriverClassName("org.h2.Driver");
            // No AUTO_SERVER: the database is reachable only from this process.
            hikari.setJdbcUrl("jdbc:h2:file:" + dir.resolve("rempart") + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH");
            hikari.setUsername("rempart");
            hikari.setPassword("");
            embedded = true;
        }
        dataSource = new HikariDataSource(hikari);
        LOG.info(() -> "Database: " + (embedded ? "embedded H2 under " + settings.dataDir() : "PostgreSQL"));
    }

    /** Applies the Flyway migrations in {@code db/migration}; both databases share them. */
    public void migrate() {
        Flyway.configure(getClass().getClassLoader())
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public boolean embedded() {
        return embedded;
    }

    @PreDestroy
    public void close() {
        if (dataSource != null) {
            dataSource.close();
        }
    }
}
