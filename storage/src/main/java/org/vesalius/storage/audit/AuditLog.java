package org.vesalius.storage.audit;

import static org.vesalius.schema.jooq.Tables.AUDIT_EVENT;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.OffsetDateTime;
import org.vesalius.storage.index.Database;

/**
 * The audit trail (invariant 6): who did what, when, with which outcome, kept in the index.
 * Writing an audit record never fails the operation it records: a failure to write is logged.
 */
public final class AuditLog {
    private static final System.Logger LOG = System.getLogger(AuditLog.class.getName());

    public enum Outcome { SUCCESS, FAILURE }

    private final Database database;
    private final Clock clock;

    public AuditLog(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    public void record(Origin origin, String action, String resource, Outcome outcome, String status, String detail) {
        try {
            database.dsl().insertInto(AUDIT_EVENT)
                    .set(AUDIT_EVENT.OCCURRED_AT, OffsetDateTime.now(clock))
                    .set(AUDIT_EVENT.ACTOR_KIND, origin.kind().name())
                    .set(AUDIT_EVENT.ACTOR_NAME, truncate(origin.name(), 256))
                    .set(AUDIT_EVENT.ACTOR_ADDRESS, truncate(origin.address(), 128))
                    .set(AUDIT_EVENT.ACTION, action)
                    .set(AUDIT_EVENT.RESOURCE, truncate(resource, 512))
                    .set(AUDIT_EVENT.OUTCOME, outcome.name())
                    .set(AUDIT_EVENT.STATUS, status)
                    .set(AUDIT_EVENT.DETAIL, truncate(detail, 1024))
                    .execute();
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "could not write audit record " + action + " " + resource + " by " + origin.name(), e);
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
