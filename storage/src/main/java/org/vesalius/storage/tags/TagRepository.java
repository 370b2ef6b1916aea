package org.vesalius.storage.tags;

import static org.vesalius.schema.jooq.Tables.IMAGE;
import static org.vesalius.schema.jooq.Tables.INSTANCE;
import static org.vesalius.schema.jooq.Tables.SERIES;
import static org.vesalius.schema.jooq.Tables.STUDY;
import static org.vesalius.schema.jooq.Tables.TAG;
import static org.vesalius.schema.jooq.Tables.TAG_ASSIGNMENT;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.Row2;
import org.jooq.exception.DataAccessException;
import org.jooq.impl.DSL;
import org.vesalius.storage.index.Database;

/**
 * Tags, their assignments to studies, series, instances and images, and the search by tags.
 * Tag names are unique regardless of case (a lower-cased copy carries the unique constraint).
 */
public final class TagRepository {
    private static final String UNIQUE_VIOLATION = "23505";

    private final Database database;
    private final Clock clock;

    public TagRepository(Database database, Clock clock) {
        this.database = database;
        this.clock = clock;
    }

    /** @param name a name {@link TagNames#isValid valid} */
    public Tag create(String name, String description, String createdBy) throws DuplicateTagException {
        OffsetDateTime now = OffsetDateTime.now(clock);
        try {
            database.dsl().insertInto(TAG)
                    .set(TAG.NAME, name)
                    .set(TAG.NAME_LOWER, lower(name))
                    .set(TAG.DESCRIPTION, description)
                    .set(TAG.CREATED_AT, now)
                    .set(TAG.CREATED_BY, createdBy)
                    .execute();
        } catch (DataAccessException e) {
            throw duplicateOr(e, name);
        }
        return new Tag(name, description, now.toInstant(), createdBy);
    }

    public Optional<Tag> find(String name) {
        return database.dsl().selectFrom(TAG).where(TAG.NAME_LOWER.eq(lower(name))).fetchOptional(TagRepository::toTag);
    }

    /** One page of all tags, by name. */
    public List<Tag> list(int limit, int offset) {
        return database.dsl().selectFrom(TAG).orderBy(TAG.NAME_LOWER).limit(limit).offset(offset)
                .fetch(TagRepository::toTag);
    }

    public long count() {
        return database.dsl().fetchCount(TAG);
    }

    /**
     * Renames a tag (when {@code newName} is not null) and sets its description (when
     * {@code newDescription} is not null). Its assignments follow it.
     */
    public Optional<Tag> update(String name, String newName, String newDescription) throws DuplicateTagException {
        var update = database.dsl().update(TAG).set(TAG.NAME_LOWER, TAG.NAME_LOWER);
        if (newName != null) {
            update = update.set(TAG.NAME, newName).set(TAG.NAME_LOWER, lower(newName));
        }
        if (newDescription != null) {
            update = update.set(TAG.DESCRIPTION, newDescription);
        }
        try {
            if (update.where(TAG.NAME_LOWER.eq(lower(name))).execute() == 0) {
                return Optional.empty();
            }
        } catch (DataAccessException e) {
            throw duplicateOr(e, newName);
        }
        return find(newName != null ? newName : name);
    }

    /** Removes a tag and all its assignments. False when there was none. */
    public boolean delete(String name) {
        return database.dsl().deleteFrom(TAG).where(TAG.NAME_LOWER.eq(lower(name))).execute() == 1;
    }

    /** True when the object is in the index: a study, series or instance by UID, an image by id. */
    public boolean exists(TaggedType type, String id) {
        DSLContext dsl = database.dsl();
        return switch (type) {
            case STUDY -> dsl.fetchExists(STUDY, STUDY.STUDY_INSTANCE_UID.eq(id));
            case SERIES -> dsl.fetchExists(SERIES, SERIES.SERIES_INSTANCE_UID.eq(id));
            case INSTANCE -> dsl.fetchExists(INSTANCE, INSTANCE.SOP_INSTANCE_UID.eq(id));
            case IMAGE -> dsl.fetchExists(IMAGE, IMAGE.IMAGE_ID.eq(id));
        };
    }

    /**
     * Attaches the tag to the object. True when newly attached, false when it already was.
     *
     * @throws java.util.NoSuchElementException when there is no such tag
     */
    public boolean assign(String tagName, TaggedType type, String id, String assignedBy) {
        long tagPk = tagPk(tagName);
        if (database.dsl().fetchExists(TAG_ASSIGNMENT, assignment(tagPk, type, id))) {
            return false;
        }
        try {
            database.dsl().insertInto(TAG_ASSIGNMENT)
                    .set(TAG_ASSIGNMENT.TAG_FK, tagPk)
                    .set(TAG_ASSIGNMENT.OBJECT_TYPE, type.code())
                    .set(TAG_ASSIGNMENT.OBJECT_ID, id)
                    .set(TAG_ASSIGNMENT.ASSIGNED_AT, OffsetDateTime.now(clock))
                    .set(TAG_ASSIGNMENT.ASSIGNED_BY, assignedBy)
                    .execute();
            return true;
        } catch (DataAccessException e) {
            if (UNIQUE_VIOLATION.equals(e.sqlState())) {
                return false; // a concurrent request attached it first
            }
            throw e;
        }
    }

    /** Detaches the tag. False when it was not attached (or there is no such tag). */
    public boolean unassign(String tagName, TaggedType type, String id) {
        return database.dsl().deleteFrom(TAG_ASSIGNMENT)
                .where(assignment(null, type, id),
                        TAG_ASSIGNMENT.TAG_FK.eq(DSL.select(TAG.PK).from(TAG).where(TAG.NAME_LOWER.eq(lower(tagName)))))
                .execute() == 1;
    }

    /** Removes every tag from an object (it was deleted). */
    public void unassignAll(TaggedType type, String id) {
        database.dsl().deleteFrom(TAG_ASSIGNMENT).where(assignment(null, type, id)).execute();
    }

    /** The object's tags, by name. */
    public List<TagAssignment> tagsOf(TaggedType type, String id) {
        return database.dsl().select(TAG.NAME, TAG_ASSIGNMENT.ASSIGNED_AT, TAG_ASSIGNMENT.ASSIGNED_BY)
                .from(TAG_ASSIGNMENT).join(TAG).on(TAG.PK.eq(TAG_ASSIGNMENT.TAG_FK))
                .where(assignment(null, type, id))
                .orderBy(TAG.NAME_LOWER)
                .fetch(r -> new TagAssignment(r.value1(), r.value2().toInstant(), r.value3()));
    }

    /**
     * The objects matching {@code search}, most recently tagged first. Tag names are resolved to
     * keys first (a handful of rows), so the scan runs on the assignment indexes alone.
     */
    public SearchPage search(TagSearch search) {
        DSLContext dsl = database.dsl();
        Set<Long> required = new LinkedHashSet<>();
        for (String name : search.allOf()) {
            Long pk = dsl.select(TAG.PK).from(TAG).where(TAG.NAME_LOWER.eq(lower(name))).fetchOne(TAG.PK);
            if (pk == null) {
                return new SearchPage(List.of(), 0); // nothing carries a tag that does not exist
            }
            required.add(pk);
        }
        List<Long> liked = null;
        if (search.like() != null) {
            liked = dsl.select(TAG.PK).from(TAG).where(TAG.NAME_LOWER.like(lower(search.like()))).fetch(TAG.PK);
            if (liked.isEmpty()) {
                return new SearchPage(List.of(), 0);
            }
        }

        List<Condition> where = new ArrayList<>();
        if (search.from() != null) {
            where.add(TAG_ASSIGNMENT.ASSIGNED_AT.ge(search.from().atOffset(ZoneOffset.UTC)));
        }
        if (search.to() != null) {
            where.add(TAG_ASSIGNMENT.ASSIGNED_AT.lt(search.to().atOffset(ZoneOffset.UTC)));
        }
        if (search.type() != null) {
            where.add(TAG_ASSIGNMENT.OBJECT_TYPE.eq(search.type().code()));
        }
        Set<Long> relevant = new LinkedHashSet<>(required);
        if (liked != null) {
            relevant.addAll(liked);
        }
        if (!relevant.isEmpty()) {
            where.add(TAG_ASSIGNMENT.TAG_FK.in(relevant));
        }
        List<Condition> having = new ArrayList<>();
        if (!required.isEmpty()) {
            having.add(DSL.countDistinct(DSL.when(TAG_ASSIGNMENT.TAG_FK.in(required), TAG_ASSIGNMENT.TAG_FK))
                    .eq(required.size()));
        }
        if (liked != null && !required.isEmpty()) {
            // Without required tags every row left is a liked one; with them, one liked row must remain.
            having.add(DSL.sum(DSL.when(TAG_ASSIGNMENT.TAG_FK.in(liked), DSL.inline(1)).else_(DSL.inline(0)))
                    .gt(java.math.BigDecimal.ZERO));
        }
        long total = dsl.fetchCount(dsl.select(TAG_ASSIGNMENT.OBJECT_TYPE, TAG_ASSIGNMENT.OBJECT_ID)
                .from(TAG_ASSIGNMENT)
                .where(where)
                .groupBy(TAG_ASSIGNMENT.OBJECT_TYPE, TAG_ASSIGNMENT.OBJECT_ID)
                .having(having));
        List<Record2<String, String>> page = dsl.select(TAG_ASSIGNMENT.OBJECT_TYPE, TAG_ASSIGNMENT.OBJECT_ID)
                .from(TAG_ASSIGNMENT)
                .where(where)
                .groupBy(TAG_ASSIGNMENT.OBJECT_TYPE, TAG_ASSIGNMENT.OBJECT_ID)
                .having(having)
                .orderBy(DSL.max(TAG_ASSIGNMENT.ASSIGNED_AT).desc(), TAG_ASSIGNMENT.OBJECT_TYPE, TAG_ASSIGNMENT.OBJECT_ID)
                .limit(search.limit())
                .offset(search.offset())
                .fetch();
        return new SearchPage(withTags(dsl, page), total);
    }

    /** The page's objects with all their tag names, in the page's order, in one query. */
    private static List<SearchHit> withTags(DSLContext dsl, List<Record2<String, String>> page) {
        if (page.isEmpty()) {
            return List.of();
        }
        record ObjectKey(String type, String id) {
        }
        Map<ObjectKey, List<String>> tags = new LinkedHashMap<>();
        List<Row2<String, String>> rows = new ArrayList<>();
        for (Record2<String, String> object : page) {
            tags.put(new ObjectKey(object.value1(), object.value2()), new ArrayList<>());
            rows.add(DSL.row(object.value1(), object.value2()));
        }
        dsl.select(TAG_ASSIGNMENT.OBJECT_TYPE, TAG_ASSIGNMENT.OBJECT_ID, TAG.NAME)
                .from(TAG_ASSIGNMENT).join(TAG).on(TAG.PK.eq(TAG_ASSIGNMENT.TAG_FK))
                .where(DSL.row(TAG_ASSIGNMENT.OBJECT_TYPE, TAG_ASSIGNMENT.OBJECT_ID).in(rows))
                .orderBy(TAG.NAME_LOWER)
                .forEach(r -> tags.get(new ObjectKey(r.value1(), r.value2())).add(r.value3()));
        List<SearchHit> hits = new ArrayList<>();
        tags.forEach((object, names) -> hits.add(new SearchHit(TaggedType.fromCode(object.type()).orElseThrow(),
                object.id(), List.copyOf(names))));
        return hits;
    }

    private static Condition assignment(Long tagPk, TaggedType type, String id) {
        Condition object = TAG_ASSIGNMENT.OBJECT_TYPE.eq(type.code()).and(TAG_ASSIGNMENT.OBJECT_ID.eq(id));
        return tagPk == null ? object : object.and(TAG_ASSIGNMENT.TAG_FK.eq(tagPk));
    }

    private long tagPk(String name) {
        Long pk = database.dsl().select(TAG.PK).from(TAG).where(TAG.NAME_LOWER.eq(lower(name))).fetchOne(TAG.PK);
        if (pk == null) {
            throw new java.util.NoSuchElementException("no tag named \"" + name + "\"");
        }
        return pk;
    }

    private static DuplicateTagException duplicateOr(DataAccessException e, String name) {
        if (UNIQUE_VIOLATION.equals(e.sqlState())) {
            return new DuplicateTagException(name);
        }
        throw e;
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static Tag toTag(org.vesalius.schema.jooq.tables.records.TagRecord r) {
        return new Tag(r.getName(), r.getDescription(), r.getCreatedAt().toInstant(), r.getCreatedBy());
    }
}
