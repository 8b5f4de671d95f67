package fr.rempart.platform.cli;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * The configuration of the operator commands, which run without the server: system properties, then
 * environment variables by MicroProfile Config's mapping ({@code rempart.db.url} → {@code REMPART_DB_URL}),
 * so a command reads exactly what the service reads.
 */
public final class EnvironmentConfig implements Config {

    @Override
    public <T> T getValue(String name, Class<T> type) {
        return getOptionalValue(name, type).orElseThrow(() -> new NoSuchElementException(name));
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
        if (type != String.class) {
            throw new IllegalArgumentException("Only strings: " + type);
        }
        String value = System.getProperty(name);
        if (value == null) {
            value = System.getenv(name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT));
        }
        return Optional.ofNullable((T) value);
    }

    @Override
    public ConfigValue getConfigValue(String name) {
        throw new UnsupportedOperationException("Not used by the commands");
    }

    @Override
    public Iterable<String> getPropertyNames() {
        return List.of();
    }

    @Override
    public Iterable<ConfigSource> getConfigSources() {
        return List.of();
    }

    @Override
    public <T> Optional<Converter<T>> getConverter(Class<T> type) {
        return Optional.empty();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        throw new IllegalArgumentException("Cannot unwrap to " + type);
    }
}
