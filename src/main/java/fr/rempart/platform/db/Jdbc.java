package fr.rempart.platform.db;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Plain JDBC with one rule: every unit of work runs in {@link #transaction}, which commits or
 * rolls back as a whole, so a failed request never leaves half-written rows.
 */
@ApplicationScoped
public class Jdbc {

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet row) throws SQLException;
    }

    private final ThreadLocal<Connection> current = new ThreadLocal<>();
    private Database database;

    protected Jdbc() {
    }

    @Inject
    public Jdbc(Database database) {
        this.database = database;
    }

    /** Runs the work in a transaction; nested calls join the outer one. */
    public <T> T transaction(Work<T> work) {
        Connection joined = current.get();
        if (joined != null) {
            try {
                return work.run(joined);
            } catch (SQLException e) {
                throw new DataAccessException(e);
            }
        }
        try (Connection connection = database.dataSource().getConnection()) {
            connection.setAutoCommit(false);
            current.set(connection);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                connection.rollback();
                throw e;
            } finally {
                current.remove();
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new DataAccessException(e);
        }
    }

    public int update(String sql, Object... parameters) {
        return transaction(c -> {
            try (PreparedStatement statement = prepare(c, sql, parameters)) {
                return statement.executeUpdate();
            }
        });
    }

    public <T> List<T> list(String sql, RowMapper<T> mapper, Object... parameters) {
        return transaction(c -> {
            try (PreparedStatement statement = prepare(c, sql, parameters); ResultSet rows = statement.executeQuery()) {
                List<T> result = new ArrayList<>();
                while (rows.next()) {
                    result.add(mapper.map(rows));
                }
                return result;
            }
        });
    }

    /** Reads "day, count" rows into a date-ordered series (the campaign view's charts). */
    public java.util.SortedMap<java.time.LocalDate, Long> daily(String sql, Object... parameters) {
        java.util.SortedMap<java.time.LocalDate, Long> days = new java.util.TreeMap<>();
        list(sql, r -> java.util.Map.entry(r.getDate(1).toLocalDate(), r.getLong(2)), parameters).forEach(e -> days.put(e.getKey(), e.getValue()));
        return days;
    }

    /**
     * Runs the statement once per row as one JDBC batch, in the current transaction (or its own).
     * PostgreSQL's driver rewrites a batch of plain inserts into multi-row inserts
     * ({@code reWriteBatchedInserts}): set-based work costs a few round trips, not one per row.
     */
    public void batch(String sql, java.util.Collection<Object[]> rows) {
        if (rows.isEmpty()) {
            return;
        }
        transaction(c -> {
            try (PreparedStatement statement = c.prepareStatement(sql)) {
                for (Object[] row : rows) {
                    bind(statement, row);
                    statement.addBatch();
                }
                statement.executeBatch();
                return null;
            }
        });
    }

    /**
     * Many values as one SQL array parameter, for {@code column = any(?)}: one statement text
     * whatever the count, so the database parses and plans it once, where an {@code in (?, ?, …)}
     * list of thousands of markers is a new statement each time ({@code sqlType}: {@code uuid},
     * {@code varchar}, {@code bigint}).
     */
    public record SqlArray(String sqlType, Object[] values) {
    }

    public static SqlArray array(String sqlType, java.util.Collection<?> values) {
        return new SqlArray(sqlType, values.toArray());
    }

    public <T> Optional<T> one(String sql, RowMapper<T> mapper, Object... parameters) {
        List<T> rows = list(sql, mapper, parameters);
        if (rows.size() > 1) {
            throw new IllegalStateException("Expected at most one row: " + sql);
        }
        return rows.isEmpty() ? Optional.empty() : Optional.ofNullable(rows.get(0));
    }

    /** Executes one statement on the connection of the current transaction and closes it. */
    public static int execute(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, parameters)) {
            return statement.executeUpdate();
        }
    }

    public static PreparedStatement prepare(Connection connection, String sql, Object... parameters) throws SQLException {
        PreparedStatement statement = connection.prepareStatement(sql);
        bind(statement, parameters);
        return statement;
    }

    public static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            Object p = parameters[i];
            if (p instanceof Instant instant) {
                statement.setObject(i + 1, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
            } else if (p instanceof SqlArray array) {
                statement.setArray(i + 1, statement.getConnection().createArrayOf(array.sqlType(), array.values()));
            } else if (p instanceof Enum<?> e) {
                statement.setString(i + 1, e.name());
            } else {
                statement.setObject(i + 1, p);
            }
        }
    }

    public static Instant instant(ResultSet row, String column) throws SQLException {
        OffsetDateTime t = row.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }

    /** True when the exception is a unique-constraint violation (SQLState 23505 on both databases). */
    /**
     * A conflict that goes away when tried again: a serialization failure or deadlock (40001, 40P01), a lock
     * not available (PostgreSQL 55P03) or a lock wait that timed out (H2 HYT00, as after a crash while the
     * database rolls back what the dead process left open).
     */
    public static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && java.util.Set.of("40001", "40P01", "55P03", "HYT00").contains(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    public static boolean isUniqueViolation(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && "23505".equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    public static final class DataAccessException extends RuntimeException {
        public DataAccessException(SQLException cause) {
            super(cause.getMessage(), cause);
        }
    }
}
