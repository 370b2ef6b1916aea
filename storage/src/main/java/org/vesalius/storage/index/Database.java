package org.vesalius.storage.index;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * The index database: a connection pool, the Flyway migrations from the schema module run at
 * open, and a jOOQ context in the right dialect. Several server nodes may open the same
 * PostgreSQL database; Flyway serialises their migrations with its own lock.
 */
public final class Database implements AutoCloseable {
    static {
        // jOOQ prints a banner and a "tip of the day" into the log at first use; keep the log for our events.
        System.setProperty("org.jooq.no-logo", "true");
        System.setProperty("org.jooq.no-tips", "true");
    }

    private final HikariDataSource dataSource;
    private final DSLContext dsl;
    private final DatabaseSettings settings;

    private Database(DatabaseSettings settings, HikariDataSource dataSource) {
        this.settings = settings;
        this.dataSource = dataSource;
        // The migrations create unquoted names, which H2 folds to upper case and PostgreSQL to
        // lower case; the generated classes hold lower-case names, so jOOQ must not quote them.
        Settings jooqSettings = new Settings().withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED);
        this.dsl = DSL.using(dataSource, settings.isPostgres() ? SQLDialect.POSTGRES : SQLDialect.H2, jooqSettings);
    }

    /** Connects, migrates the schema to the newest version, and returns the ready database. */
    public static Database open(DatabaseSettings settings) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(settings.jdbcUrl());
        config.setUsername(settings.user());
        config.setPassword(settings.password());
        config.setMaximumPoolSize(settings.maxPoolSize());
        config.setPoolName("vesalius-index");
        // Fail fast at start-up when the database is unreachable, and keep per-request waits short
        // so a dead database turns into "out of resources" instead of hanging associations.
        config.setConnectionTimeout(10_000);
        config.setInitializationFailTimeout(30_000);
        HikariDataSource dataSource = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(dataSource)
                    .locations("classpath:db/migration")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            dataSource.close();
            throw e;
        }
        return new Database(settings, dataSource);
    }

    public DSLContext dsl() {
        return dsl;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public DatabaseSettings settings() {
        return settings;
    }

    /** Throws when the database does not answer a trivial query right now (for /health). */
    public void checkHealth() throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (!connection.isValid(2)) {
                throw new SQLException("index database connection is not valid");
            }
        }
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
