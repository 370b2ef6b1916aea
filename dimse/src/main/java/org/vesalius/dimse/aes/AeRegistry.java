package org.vesalius.dimse.aes;

import static org.vesalius.schema.jooq.Tables.REMOTE_AE;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jooq.Record;
import org.vesalius.storage.index.Database;

/**
 * The remote AEs the archive knows, kept in the index database. Every call reads or writes the
 * database, without a cache: several server nodes share it, and an edit on one must be effective
 * on all at once (a lookup is one primary-key read, negligible beside opening an association).
 */
public final class AeRegistry {
    private static final Logger LOG = System.getLogger(AeRegistry.class.getName());

    private final Database database;
    private final Clock clock;

    public AeRegistry(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /**
     * Writes the AEs of the configuration, replacing stored entries of the same titles (the
     * configuration is authoritative for the AEs it names; others stay as edited through the API).
     */
    public void seed(List<RemoteAe> configured) {
        for (RemoteAe ae : configured) {
            put(ae);
        }
        if (!configured.isEmpty()) {
            LOG.log(Level.INFO, "AE registry: {0} AEs from the configuration", configured.size());
        }
    }

    /** All known AEs, by title. */
    public List<RemoteAe> list() {
        return database.dsl().selectFrom(REMOTE_AE).orderBy(REMOTE_AE.AE_TITLE).fetch(AeRegistry::toRemoteAe);
    }

    /** The AE with this title (compared without leading and trailing spaces), if known. */
    public Optional<RemoteAe> find(String aeTitle) {
        String title = aeTitle == null ? "" : aeTitle.strip();
        if (title.isEmpty() || title.length() > 16) {
            return Optional.empty();
        }
        return database.dsl().selectFrom(REMOTE_AE).where(REMOTE_AE.AE_TITLE.eq(title))
                .fetchOptional(AeRegistry::toRemoteAe);
    }

    /** Adds or replaces the AE of this title; returns true when it was new. */
    public boolean put(RemoteAe ae) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return database.dsl().transactionResult(tx -> {
            int updated = tx.dsl().update(REMOTE_AE)
                    .set(REMOTE_AE.HOST, ae.host())
                    .set(REMOTE_AE.PORT, ae.port())
                    .set(REMOTE_AE.TLS, ae.tls())
                    .set(REMOTE_AE.UPDATED_AT, now)
                    .where(REMOTE_AE.AE_TITLE.eq(ae.aeTitle()))
                    .execute();
            if (updated == 0) {
                tx.dsl().insertInto(REMOTE_AE)
                        .set(REMOTE_AE.AE_TITLE, ae.aeTitle())
                        .set(REMOTE_AE.HOST, ae.host())
                        .set(REMOTE_AE.PORT, ae.port())
                        .set(REMOTE_AE.TLS, ae.tls())
                        .set(REMOTE_AE.UPDATED_AT, now)
                        .execute();
            }
            return updated == 0;
        });
    }

    /** Removes the AE of this title; true when there was one. */
    public boolean delete(String aeTitle) {
        return database.dsl().deleteFrom(REMOTE_AE).where(REMOTE_AE.AE_TITLE.eq(aeTitle.strip())).execute() > 0;
    }

    private static RemoteAe toRemoteAe(Record row) {
        return new RemoteAe(row.get(REMOTE_AE.AE_TITLE), row.get(REMOTE_AE.HOST), row.get(REMOTE_AE.PORT),
                row.get(REMOTE_AE.TLS));
    }
}
