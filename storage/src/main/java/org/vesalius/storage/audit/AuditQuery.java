package org.vesalius.storage.audit;

import static org.vesalius.schema.jooq.Tables.AUDIT_EVENT;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.jooq.Condition;
import org.jooq.impl.DSL;
import org.vesalius.storage.index.Database;

/**
 * Reads the audit trail for admins: newest first, filtered and paged. The filters use the indexes
 * of V1__index.sql (occurred_at, actor_name, action). The {@link AuditLog} writes in the
 * background, so a query first waits for what was recorded before it.
 */
public final class AuditQuery {
    public static final int MAX_LIMIT = 1000;

    private final Database database;
    private final AuditLog log;

    public AuditQuery(Database database, AuditLog log) {
        this.database = database;
        this.log = log;
    }

    /**
     * What to look for; null fields do not filter.
     *
     * @param user   the actor: its whole recorded name, or the readable name or the subject of a
     *               signed-in principal (recorded as "alice (subject)")
     * @param action the start of the action, e.g. "DELETE" or "GET dicomweb" or "STOW_RS"
     * @param from   events at or after this time
     * @param to     events before this time
     */
    public record Filter(String user, String action, OffsetDateTime from, OffsetDateTime to, int limit, int offset) {
        public Filter {
            if (limit < 0 || limit > MAX_LIMIT) {
                throw new IllegalArgumentException("limit must be between 0 and " + MAX_LIMIT);
            }
            if (offset < 0) {
                throw new IllegalArgumentException("offset must not be negative");
            }
        }
    }

    public record Event(long id, OffsetDateTime occurredAt, String actorKind, String actorName, String actorAddress,
                        String action, String resource, String outcome, String status, String detail) {
    }

    /** One page of events and how many match in all. */
    public record Page(List<Event> items, long total) {
    }

    public Page find(Filter filter) {
        log.flush();
        Condition where = conditions(filter);
        var dsl = database.dsl();
        long total = dsl.selectCount().from(AUDIT_EVENT).where(where).fetchOne(0, Long.class);
        List<Event> items = dsl.selectFrom(AUDIT_EVENT)
                .where(where)
                .orderBy(AUDIT_EVENT.OCCURRED_AT.desc(), AUDIT_EVENT.PK.desc())
                .limit(filter.limit())
                .offset(filter.offset())
                .fetch(r -> new Event(r.getPk(), r.getOccurredAt(), r.getActorKind(), r.getActorName(),
                        r.getActorAddress(), r.getAction(), r.getResource(), r.getOutcome(), r.getStatus(), r.getDetail()));
        return new Page(items, total);
    }

    private static Condition conditions(Filter filter) {
        List<Condition> conditions = new ArrayList<>();
        if (filter.user() != null) {
            // startsWith/endsWith escape LIKE wildcards in the user's input.
            conditions.add(AUDIT_EVENT.ACTOR_NAME.eq(filter.user())
                    .or(AUDIT_EVENT.ACTOR_NAME.startsWith(filter.user() + " ("))
                    .or(AUDIT_EVENT.ACTOR_NAME.endsWith(" (" + filter.user() + ")")));
        }
        if (filter.action() != null) {
            conditions.add(AUDIT_EVENT.ACTION.startsWith(filter.action()));
        }
        if (filter.from() != null) {
            conditions.add(AUDIT_EVENT.OCCURRED_AT.ge(filter.from()));
        }
        if (filter.to() != null) {
            conditions.add(AUDIT_EVENT.OCCURRED_AT.lt(filter.to()));
        }
        return DSL.and(conditions);
    }
}
