package org.vesalius.storage.tags;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vesalius.schema.jooq.Tables.TAG;
import static org.vesalius.schema.jooq.Tables.TAG_ASSIGNMENT;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import java.util.stream.Collectors;
import org.jooq.DSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.DatabaseSettings;

/**
 * The search by tags over 100 000 assignments (50 000 objects with two tags each), on H2: object i
 * carries tag a{i%4} and b{i%5}, is an image when i is even and a study when odd, and was tagged
 * at BASE + i seconds, so every answer can be counted by hand.
 */
class TagSearchScaleTest {
    private static final int OBJECTS = 50_000;
    private static final Instant BASE = Instant.parse("2024-01-01T00:00:00Z");

    private static Database database;
    private static TagRepository tags;

    @BeforeAll
    static void fill(@org.junit.jupiter.api.io.TempDir java.nio.file.Path temp) throws Exception {
        database = Database.open(DatabaseSettings.embeddedH2(temp));
        tags = new TagRepository(database, Clock.systemUTC());
        for (String name : List.of("a0", "a1", "a2", "a3", "b0", "b1", "b2", "b3", "b4", "unused")) {
            tags.create(name.toUpperCase(), null, "test");
        }
        DSLContext dsl = database.dsl();
        Map<String, Long> pk = dsl.select(TAG.NAME_LOWER, TAG.PK).from(TAG).fetchMap(TAG.NAME_LOWER, TAG.PK);
        long start = System.nanoTime();
        // Plain JDBC batches: the fastest way in, and this test is about the search, not the insert.
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO tag_assignment"
                     + " (tag_fk, object_type, object_id, assigned_at, assigned_by) VALUES (?, ?, ?, ?, 'test')")) {
            connection.setAutoCommit(false);
            for (int i = 0; i < OBJECTS; i++) {
                for (String tag : List.of("a" + i % 4, "b" + i % 5)) {
                    insert.setLong(1, pk.get(tag));
                    insert.setString(2, i % 2 == 0 ? "image" : "study");
                    insert.setString(3, "obj" + i);
                    insert.setObject(4, BASE.plusSeconds(i).atOffset(ZoneOffset.UTC));
                    insert.addBatch();
                }
                if (i % 5000 == 4999) {
                    insert.executeBatch();
                    connection.commit();
                }
            }
        }
        System.out.printf("inserted %d assignments in %d ms%n", 2 * OBJECTS, (System.nanoTime() - start) / 1_000_000);
    }

    @AfterAll
    static void close() {
        database.close();
    }

    private static SearchPage timed(String what, TagSearch search) {
        long start = System.nanoTime();
        SearchPage page = tags.search(search);
        System.out.printf("search %s: %d of %d in %d ms%n", what, page.items().size(), page.total(),
                (System.nanoTime() - start) / 1_000_000);
        return page;
    }

    @Test
    void allOfTwoTags() {
        SearchPage page = timed("a1 & b2", new TagSearch(List.of("a1", "B2"), null, null, null, null, 10, 0));
        assertThat(page.total()).isEqualTo(OBJECTS / 20); // i % 20 == 17
        assertThat(page.items()).hasSize(10);
        // Newest tagging first: the largest i with i % 20 == 17.
        assertThat(page.items().getFirst().id()).isEqualTo("obj" + (OBJECTS - 3));
        assertThat(page.items().getFirst().tags()).containsExactly("A1", "B2");
        assertThat(page.items()).allSatisfy(hit -> assertThat(Integer.parseInt(hit.id().substring(3)) % 20).isEqualTo(17));
    }

    @Test
    void oneTagWithTypeAndPaging() {
        assertThat(timed("a1 images", new TagSearch(List.of("a1"), null, null, null, TaggedType.IMAGE, 100, 0)).total())
                .isZero();
        SearchPage studies = timed("a1 studies", new TagSearch(List.of("a1"), null, null, null, TaggedType.STUDY, 100, 12_400));
        assertThat(studies.total()).isEqualTo(OBJECTS / 4);
        assertThat(studies.items()).hasSize(100);
        assertThat(studies.items().getLast().id()).isEqualTo("obj1"); // the oldest a1 object
    }

    @Test
    void likePatternAloneAndWithATag() {
        assertThat(timed("like b%", new TagSearch(List.of(), "b%", null, null, null, 5, 0)).total()).isEqualTo(OBJECTS);
        assertThat(timed("a0 & like b_", new TagSearch(List.of("a0"), "b_", null, null, null, 5, 0)).total())
                .isEqualTo(OBJECTS / 4);
        assertThat(timed("a0 & like b3", new TagSearch(List.of("a0"), "b3", null, null, null, 5, 0)).total())
                .isEqualTo(OBJECTS / 20);
        assertThat(timed("like x%", new TagSearch(List.of(), "x%", null, null, null, 5, 0)).total()).isZero();
    }

    @Test
    void taggingDateWindow() {
        SearchPage page = timed("a0 in [1000 s, 2000 s)", new TagSearch(List.of("a0"), null, BASE.plusSeconds(1000),
                BASE.plusSeconds(2000), null, 1000, 0));
        assertThat(page.total()).isEqualTo(250);
        Map<String, List<String>> byId = page.items().stream()
                .collect(Collectors.toMap(SearchHit::id, SearchHit::tags));
        assertThat(byId).containsKeys("obj1000", "obj1996").doesNotContainKey("obj2000");
        assertThat(timed("unknown tag", new TagSearch(List.of("a0", "nope"), null, null, null, null, 5, 0)).total()).isZero();
        assertThat(timed("unused tag", new TagSearch(List.of("unused"), null, null, null, null, 5, 0)).total()).isZero();
        assertThat(timed("everything", new TagSearch(List.of(), null, null, null, null, 5, 0)).total()).isEqualTo(OBJECTS);
    }

}
