package org.vesalius.storage.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vesalius.storage.query.QueryLevel.INSTANCE;
import static org.vesalius.storage.query.QueryLevel.PATIENT;
import static org.vesalius.storage.query.QueryLevel.SERIES;
import static org.vesalius.storage.query.QueryLevel.STUDY;
import static org.vesalius.storage.query.SampleIndex.P1;
import static org.vesalius.storage.query.SampleIndex.P2;
import static org.vesalius.storage.query.SampleIndex.P3;
import static org.vesalius.storage.query.SampleIndex.SE11;
import static org.vesalius.storage.query.SampleIndex.SE12;
import static org.vesalius.storage.query.SampleIndex.SE21;
import static org.vesalius.storage.query.SampleIndex.SE22;
import static org.vesalius.storage.query.SampleIndex.SE31;
import static org.vesalius.storage.query.SampleIndex.SE32;
import static org.vesalius.storage.query.SampleIndex.SE41;
import static org.vesalius.storage.query.SampleIndex.ST1;
import static org.vesalius.storage.query.SampleIndex.ST2;
import static org.vesalius.storage.query.SampleIndex.ST3;
import static org.vesalius.storage.query.SampleIndex.ST4;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.schema.jooq.Tables;
import org.vesalius.storage.index.Database;
import org.vesalius.storage.index.DatabaseSettings;

/**
 * The matching rules of PS3.4 C.2.2.2 at every level, on the {@link SampleIndex}, run once per
 * supported database by the subclasses. The tests only read, so they share one database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class QueryEngineContract {
    private static final AttributeCatalog CATALOG = AttributeCatalog.standard();

    private Database database;
    private QueryEngine engine;

    /** A new, empty database of the kind under test. */
    protected abstract DatabaseSettings freshDatabase(Path tempDir);

    @BeforeAll
    void openAndPopulate(@TempDir Path tempDir) {
        database = Database.open(freshDatabase(tempDir));
        SampleIndex.populate(new IndexRows(database.dsl()));
        engine = new QueryEngine(database);
    }

    @AfterAll
    void closeDatabase() {
        database.close();
    }

    // --- universal matching and order -----------------------------------------------------------

    @Test
    void emptyQueryReturnsEveryEntityInTheDocumentedOrder() throws QueryException {
        assertThat(find(STUDY)).containsExactly(ST3, ST2, ST1, ST4);
        assertThat(find(SERIES)).containsExactly(SE31, SE32, SE21, SE22, SE11, SE12, SE41);
        assertThat(find(INSTANCE)).hasSize(10).startsWith(SE31 + ".1", SE32 + ".1", SE21 + ".1", SE21 + ".2");
        assertThat(find(PATIENT)).containsExactlyInAnyOrder(P1, P2, P3);
    }

    @Test
    void emptyValueAndLoneAsteriskMatchEverythingAndReturnTheAttribute() throws QueryException {
        assertThat(find(STUDY, "StudyDate", "")).containsExactly(ST3, ST2, ST1, ST4);
        assertThat(find(STUDY, "StudyDescription", "*")).containsExactly(ST3, ST2, ST1, ST4);

        QueryResult st4 = search(Query.builder(STUDY).match(tag("StudyDate"), "").match(tag("PatientName"), "")
                .limit(10).build()).results().getLast();
        assertThat(st4.contains(tag("StudyDate"))).isTrue();
        assertThat(st4.values(tag("StudyDate"))).isEmpty();
        assertThat(st4.value(tag("PatientName"))).isEqualTo("O'Brien^Liam");
    }

    // --- single value matching ------------------------------------------------------------------

    @Test
    void singleValueMatchingIsExactAndCaseSensitive() throws QueryException {
        assertThat(find(STUDY, "PatientID", P1)).containsExactly(ST2, ST1);
        assertThat(find(STUDY, "PatientID", "pat-001")).isEmpty();
        assertThat(find(STUDY, "PatientID", "PAT-00")).isEmpty();
        assertThat(find(STUDY, "AccessionNumber", "ACC-3")).containsExactly(ST3);
        assertThat(find(STUDY, "PatientSex", "M")).containsExactly(ST2, ST1);
        assertThat(find(PATIENT, "PatientBirthDate", "19851231")).containsExactly(P2);
        assertThat(find(SERIES, "Modality", "CT")).containsExactly(SE31, SE11);
        assertThat(find(SERIES, "BodyPartExamined", "CHEST")).containsExactly(SE11);
    }

    @Test
    void valuesArePaddedLikeDicomStrings() throws QueryException {
        assertThat(find(STUDY, "AccessionNumber", "ACC-1 ")).containsExactly(ST1);
    }

    @Test
    void integerAttributesMatchTheirValue() throws QueryException {
        assertThat(find(SERIES, "SeriesNumber", "2")).containsExactly(SE22, SE12);
        assertThat(find(INSTANCE, "Rows", "512")).containsExactly(SE11 + ".1", SE11 + ".2", SE11 + ".3");
        assertThat(find(INSTANCE, "NumberOfFrames", "10")).containsExactly(SE22 + ".1");
        assertThatThrownBy(() -> find(SERIES, "SeriesNumber", "two"))
                .isInstanceOf(QueryException.class).hasMessageContaining("SeriesNumber").hasMessageContaining("integer");
    }

    // --- wildcard matching ----------------------------------------------------------------------

    @Test
    void asteriskAndQuestionMarkAreWildcards() throws QueryException {
        assertThat(find(STUDY, "PatientID", "PAT-00?")).containsExactly(ST3, ST2, ST1);
        assertThat(find(STUDY, "StudyDescription", "CT*")).containsExactly(ST3, ST1);
        assertThat(find(STUDY, "StudyDescription", "*Brain")).containsExactly(ST2);
        assertThat(find(STUDY, "StudyDescription", "C?*e?t")).containsExactly(ST1);
        assertThat(find(STUDY, "AccessionNumber", "A?C?")).containsExactly(ST4);
        assertThat(find(SERIES, "Modality", "M?")).containsExactly(SE21, SE22);
    }

    @Test
    void percentUnderscoreAndEscapeCharacterMatchOnlyThemselves() throws QueryException {
        assertThat(find(PATIENT, "PatientID", "%")).isEmpty();
        assertThat(find(PATIENT, "PatientID", "100%_X")).containsExactly(P3);
        assertThat(find(PATIENT, "PatientID", "100%*")).containsExactly(P3);
        assertThat(find(PATIENT, "PatientID", "*%*")).containsExactly(P3);
        assertThat(find(PATIENT, "PatientID", "PAT_001")).isEmpty();
        assertThat(find(PATIENT, "PatientID", "PAT_00*")).isEmpty();
        assertThat(find(STUDY, "StudyDescription", "*_")).containsExactly(ST4);
        assertThat(find(STUDY, "StudyDescription", "%*")).isEmpty();
        assertThat(find(STUDY, "AccessionNumber", "*%")).containsExactly(ST4);
        assertThat(find(SERIES, "SeriesDescription", "*!")).containsExactly(SE22);
        assertThat(find(SERIES, "SeriesDescription", "!*")).isEmpty();
    }

    @Test
    void sqlInValuesIsOnlyEverAValue() throws QueryException {
        assertThat(find(PATIENT, "PatientID", "'; DROP TABLE patient; --")).isEmpty();
        assertThat(find(STUDY, "StudyDescription", "x' OR '1'='1")).isEmpty();
        assertThat(find(STUDY, "PatientName", "Robert*'); DROP TABLE study;--")).isEmpty();
        assertThat(find(STUDY, "PatientName", "*'*")).containsExactly(ST4);
        assertThat(find(STUDY, "ModalitiesInStudy", "CT') OR ('a'='a")).isEmpty();

        assertThat(database.dsl().fetchCount(Tables.PATIENT)).isEqualTo(3);
        assertThat(database.dsl().fetchCount(Tables.STUDY)).isEqualTo(4);
    }

    @Test
    void wildcardsAreRefusedWhereTheStandardDoesNotAllowThem() {
        assertThatThrownBy(() -> find(STUDY, "StudyDate", "2021*"))
                .isInstanceOf(QueryException.class).hasMessageContaining("StudyDate");
        assertThatThrownBy(() -> find(INSTANCE, "InstanceNumber", "1?"))
                .isInstanceOf(QueryException.class).hasMessageContaining("InstanceNumber");
    }

    // --- person names ---------------------------------------------------------------------------

    @Test
    void personNamesMatchCaseSensitivelyByDefault() throws QueryException {
        assertThat(find(STUDY, "PatientName", "Doe^John")).containsExactly(ST2, ST1);
        assertThat(find(STUDY, "PatientName", "doe^john")).isEmpty();
        assertThat(find(STUDY, "PatientName", "Doe*")).containsExactly(ST2, ST1);
        assertThat(find(STUDY, "ReferringPhysicianName", "Welby^Marcus")).containsExactly(ST1);
    }

    @Test
    void fuzzyMatchingMakesPersonNamesCaseInsensitive() throws QueryException {
        assertThat(findFuzzy(STUDY, "PatientName", "doe^john")).containsExactly(ST2, ST1);
        assertThat(findFuzzy(STUDY, "PatientName", "DOE*")).containsExactly(ST3, ST2, ST1);
        assertThat(findFuzzy(STUDY, "ReferringPhysicianName", "WELBY^marcus")).containsExactly(ST3, ST1);
        assertThat(findFuzzy(PATIENT, "PatientName", "o'brien*")).containsExactly(P3);
        // Only person names: other VRs stay exact.
        assertThat(findFuzzy(STUDY, "StudyDescription", "ct chest")).isEmpty();
    }

    // --- UID list matching ----------------------------------------------------------------------

    @Test
    void uidListMatchesAnyOfTheUids() throws QueryException {
        assertThat(find(STUDY, "StudyInstanceUID", ST1 + "\\" + ST3)).containsExactly(ST3, ST1);
        assertThat(find(STUDY, "StudyInstanceUID", ST4)).containsExactly(ST4);
        assertThat(find(INSTANCE, "SOPInstanceUID", SE11 + ".2\\" + SE41 + ".1\\1.2.999"))
                .containsExactly(SE11 + ".2", SE41 + ".1");
        assertThat(find(INSTANCE, "SOPClassUID", SampleIndex.SR_STORAGE)).containsExactly(SE12 + ".1");
        assertThat(find(INSTANCE, "AvailableTransferSyntaxUID", SampleIndex.JPEG_LOSSLESS))
                .containsExactly(SE22 + ".1");
    }

    @Test
    void malformedUidsAreRefused() {
        assertThatThrownBy(() -> find(STUDY, "StudyInstanceUID", "1.2.3.*"))
                .isInstanceOf(QueryException.class).hasMessageContaining("StudyInstanceUID");
        assertThatThrownBy(() -> find(SERIES, "SeriesInstanceUID", "1.2.3.1.1\\x' OR 1=1"))
                .isInstanceOf(QueryException.class).hasMessageContaining("SeriesInstanceUID");
        assertThatThrownBy(() -> search(Query.builder(SERIES).inStudy("1.2.abc").limit(5).build()))
                .isInstanceOf(QueryException.class).hasMessageContaining("1.2.abc");
    }

    // --- multiple values of other VRs -----------------------------------------------------------

    @Test
    void backslashSeparatedValuesMatchAnyOfThem() throws QueryException {
        assertThat(find(SERIES, "Modality", "SR\\PR")).containsExactly(SE32, SE12);
        assertThat(find(STUDY, "AccessionNumber", "ACC-1\\ACC-2\\NONE")).containsExactly(ST2, ST1);
        assertThat(find(STUDY, "StudyDate", "20200115\\20210101-")).containsExactly(ST3, ST2, ST1);
    }

    // --- range matching -------------------------------------------------------------------------

    @Test
    void dateRangesIncludeTheirBoundsAndNeverMatchAMissingDate() throws QueryException {
        assertThat(find(STUDY, "StudyDate", "20210620")).containsExactly(ST3, ST2);
        assertThat(find(STUDY, "StudyDate", "20210101-")).containsExactly(ST3, ST2);
        assertThat(find(STUDY, "StudyDate", "-20201231")).containsExactly(ST1);
        assertThat(find(STUDY, "StudyDate", "20200115-20210620")).containsExactly(ST3, ST2, ST1);
        assertThat(find(STUDY, "StudyDate", "20200116-20210619")).isEmpty();
        assertThat(find(PATIENT, "PatientBirthDate", "-19991231")).containsExactly(P1, P2);
        assertThat(find(INSTANCE, "ContentDate", "20200116-")).containsExactly(SE11 + ".2", SE11 + ".3");
        assertThat(find(SERIES, "SeriesDate", "20200101-20201231")).containsExactly(SE11);
    }

    @Test
    void timeRangesCoverTheWholeLastUnitGiven() throws QueryException {
        assertThat(find(STUDY, "StudyTime", "0800-0900")).containsExactly(ST2);
        assertThat(find(STUDY, "StudyTime", "-1015")).containsExactly(ST2, ST1);
        assertThat(find(STUDY, "StudyTime", "-1014")).containsExactly(ST2);
        assertThat(find(STUDY, "StudyTime", "14-")).containsExactly(ST3);
        assertThat(find(STUDY, "StudyTime", "14")).containsExactly(ST3);
        assertThat(find(STUDY, "StudyTime", "140000.5")).containsExactly(ST3);
        assertThat(find(STUDY, "StudyTime", "10:15-10:15")).containsExactly(ST1);
        assertThat(find(INSTANCE, "ContentTime", "101615-101625")).containsExactly(SE11 + ".2");
    }

    @Test
    void malformedDatesAndTimesAreRefused() {
        for (String bad : List.of("2021", "2021-06-20", "20210620-20210621-20210622", "-", "yesterday")) {
            assertThatThrownBy(() -> find(STUDY, "StudyDate", bad)).as(bad)
                    .isInstanceOf(QueryException.class).hasMessageContaining("StudyDate");
        }
        assertThatThrownBy(() -> find(STUDY, "StudyTime", "25 o'clock"))
                .isInstanceOf(QueryException.class).hasMessageContaining("StudyTime");
    }

    @Test
    void combinedDateTimeMatchingMakesOneRange() throws QueryException {
        Query.Builder query = Query.builder(STUDY).limit(10)
                .match(tag("StudyDate"), "20200115-20210620").match(tag("StudyTime"), "0900-1000");
        // From 15 January 2020 09:00 to 20 June 2021 10:00: ST1 (day one, 10:15) and ST2 (last day,
        // 08:30), not ST3 (last day, 14:00).
        assertThat(uids(search(query.combinedDateTime(true).build()))).containsExactly(ST2, ST1);
        // Matched separately, no study is between 09:00 and 10:00.
        assertThat(uids(search(query.combinedDateTime(false).build()))).isEmpty();

        Query oneDay = Query.builder(STUDY).limit(10).combinedDateTime(true)
                .match(tag("StudyDate"), "20210620").match(tag("StudyTime"), "1200-").build();
        assertThat(uids(search(oneDay))).containsExactly(ST3);
    }

    // --- ModalitiesInStudy and computed attributes ----------------------------------------------

    @Test
    void modalitiesInStudyMatchesWhenAnySeriesHasTheModality() throws QueryException {
        assertThat(find(STUDY, "ModalitiesInStudy", "CT")).containsExactly(ST3, ST1);
        assertThat(find(STUDY, "ModalitiesInStudy", "SR\\PR")).containsExactly(ST3, ST1);
        assertThat(find(STUDY, "ModalitiesInStudy", "M*")).containsExactly(ST2);
        assertThat(find(STUDY, "ModalitiesInStudy", "US")).isEmpty();
        assertThat(find(SERIES, "ModalitiesInStudy", "PR")).containsExactly(SE31, SE32);
    }

    @Test
    void studiesCarryTheirModalitiesAndCounts() throws QueryException {
        Map<String, QueryResult> studies = byUid(search(Query.builder(STUDY).limit(10).returnTags(Set.of(
                tag("ModalitiesInStudy"), tag("NumberOfStudyRelatedSeries"), tag("NumberOfStudyRelatedInstances"),
                tag("NumberOfPatientRelatedStudies"))).build()));

        assertThat(studies.get(ST1).values(tag("ModalitiesInStudy"))).containsExactly("CT", "SR");
        assertThat(studies.get(ST2).values(tag("ModalitiesInStudy"))).containsExactly("MR");
        assertThat(studies.get(ST3).values(tag("ModalitiesInStudy"))).containsExactly("CT", "PR");
        assertThat(counts(studies, "NumberOfStudyRelatedSeries")).isEqualTo(Map.of(ST1, "2", ST2, "2", ST3, "2", ST4, "1"));
        assertThat(counts(studies, "NumberOfStudyRelatedInstances")).isEqualTo(Map.of(ST1, "4", ST2, "3", ST3, "2", ST4, "1"));
        assertThat(counts(studies, "NumberOfPatientRelatedStudies")).isEqualTo(Map.of(ST1, "2", ST2, "2", ST3, "1", ST4, "1"));
    }

    @Test
    void patientsAndSeriesCarryTheirCounts() throws QueryException {
        Map<String, QueryResult> patients = byUid(search(Query.builder(PATIENT).limit(10).returnTags(Set.of(
                tag("NumberOfPatientRelatedStudies"), tag("NumberOfPatientRelatedSeries"),
                tag("NumberOfPatientRelatedInstances"))).build()));
        assertThat(counts(patients, "NumberOfPatientRelatedStudies")).isEqualTo(Map.of(P1, "2", P2, "1", P3, "1"));
        assertThat(counts(patients, "NumberOfPatientRelatedSeries")).isEqualTo(Map.of(P1, "4", P2, "2", P3, "1"));
        assertThat(counts(patients, "NumberOfPatientRelatedInstances")).isEqualTo(Map.of(P1, "7", P2, "2", P3, "1"));

        Map<String, QueryResult> series = byUid(search(Query.builder(SERIES).inStudy(ST1).limit(10)
                .returnTags(Set.of(tag("NumberOfSeriesRelatedInstances"))).build()));
        assertThat(counts(series, "NumberOfSeriesRelatedInstances")).isEqualTo(Map.of(SE11, "3", SE12, "1"));
    }

    @Test
    void computedAttributesCannotBeMatchingKeys() {
        assertThatThrownBy(() -> find(STUDY, "NumberOfStudyRelatedInstances", "4"))
                .isInstanceOf(QueryException.class).hasMessageContaining("NumberOfStudyRelatedInstances");
    }

    // --- hierarchical and relational queries ----------------------------------------------------

    @Test
    void seriesAndInstancesCanBeRestrictedToTheirParents() throws QueryException {
        assertThat(uids(search(Query.builder(SERIES).inStudy(ST1).limit(10).build()))).containsExactly(SE11, SE12);
        assertThat(uids(search(Query.builder(SERIES).inStudy(ST1).match(tag("Modality"), "SR").limit(10).build())))
                .containsExactly(SE12);
        assertThat(uids(search(Query.builder(INSTANCE).inStudy(ST1).inSeries(SE11).limit(10).build())))
                .containsExactly(SE11 + ".1", SE11 + ".2", SE11 + ".3");
        assertThat(uids(search(Query.builder(INSTANCE).inStudy(ST2).limit(10).build())))
                .containsExactly(SE21 + ".1", SE21 + ".2", SE22 + ".1");
        // A series is only found inside its own study.
        assertThat(uids(search(Query.builder(INSTANCE).inStudy(ST2).inSeries(SE11).limit(10).build()))).isEmpty();
        assertThat(uids(search(Query.builder(SERIES).inStudy("1.2.999").limit(10).build()))).isEmpty();
    }

    @Test
    void lowerLevelsMatchOnTheAttributesOfTheirParents() throws QueryException {
        assertThat(find(SERIES, "PatientID", P2)).containsExactly(SE31, SE32);
        assertThat(find(INSTANCE, "StudyDescription", "MR*")).containsExactly(SE21 + ".1", SE21 + ".2", SE22 + ".1");
        assertThat(find(INSTANCE, "PatientName", "Doe^John", "Modality", "SR")).containsExactly(SE12 + ".1");
    }

    @Test
    void resultsAlwaysNameTheirPlaceInTheHierarchy() throws QueryException {
        QueryResult instance = search(Query.builder(INSTANCE).match(tag("InstanceNumber"), "2")
                .inStudy(ST1).limit(10).build()).results().getFirst();
        assertThat(instance.value(tag("StudyInstanceUID"))).isEqualTo(ST1);
        assertThat(instance.value(tag("SeriesInstanceUID"))).isEqualTo(SE11);
        assertThat(instance.value(tag("SOPInstanceUID"))).isEqualTo(SE11 + ".2");
        assertThat(instance.value(tag("InstanceNumber"))).isEqualTo("2");
        assertThat(instance.level()).isEqualTo(INSTANCE);
    }

    // --- return keys ----------------------------------------------------------------------------

    @Test
    void allKnownReturnsEveryAttributeOfTheLevelAndItsParents() throws QueryException {
        QueryResult st1 = byUid(search(Query.builder(STUDY).returnAllKnown().limit(10).build())).get(ST1);
        assertThat(st1.value(tag("PatientName"))).isEqualTo("Doe^John");
        assertThat(st1.value(tag("PatientBirthDate"))).isEqualTo("19700101");
        assertThat(st1.value(tag("StudyDate"))).isEqualTo("20200115");
        assertThat(st1.value(tag("ReferringPhysicianName"))).isEqualTo("Welby^Marcus");
        assertThat(st1.values(tag("ModalitiesInStudy"))).containsExactly("CT", "SR");
        assertThat(st1.value(tag("NumberOfPatientRelatedInstances"))).isEqualTo("7");
        assertThat(st1.value(tag("SpecificCharacterSet"))).isEqualTo("ISO_IR 100");
        assertThat(st1.contains(tag("SeriesInstanceUID"))).isFalse();
        assertThat(st1.attributes().keySet()).containsExactlyElementsOf(CATALOG.availableAt(STUDY).stream()
                .map(Attribute::tag).sorted(Integer::compareUnsigned).toList());

        QueryResult multiFrame = byUid(search(Query.builder(INSTANCE).inStudy(ST2).returnAllKnown().limit(10)
                .build())).get(SE22 + ".1");
        assertThat(multiFrame.value(tag("NumberOfFrames"))).isEqualTo("10");
        assertThat(multiFrame.values(tag("Rows"))).isEmpty();
        assertThat(multiFrame.value(tag("AvailableTransferSyntaxUID"))).isEqualTo(SampleIndex.JPEG_LOSSLESS);
        assertThat(multiFrame.value(tag("SeriesDescription"))).isEqualTo("Post-contrast!");
    }

    @Test
    void multipleValuesComeBackAsAList() throws QueryException {
        QueryResult st4 = byUid(search(Query.builder(STUDY).returnTags(Set.of(tag("SpecificCharacterSet")))
                .limit(10).build())).get(ST4);
        assertThat(st4.values(tag("SpecificCharacterSet"))).containsExactly("", "ISO 2022 IR 87");
    }

    @Test
    void specificCharacterSetIsTheOneOfTheLevelsOwnRow() throws QueryException {
        Set<Integer> charset = Set.of(tag("SpecificCharacterSet"));
        QueryResult instance = byUid(search(Query.builder(INSTANCE).inStudy(ST1).inSeries(SE12).returnTags(charset)
                .limit(10).build())).get(SE12 + ".1");
        assertThat(instance.value(tag("SpecificCharacterSet"))).isEqualTo("ISO_IR 192");
        QueryResult series = byUid(search(Query.builder(SERIES).inStudy(ST1).returnTags(charset).limit(10).build()))
                .get(SE12);
        assertThat(series.value(tag("SpecificCharacterSet"))).isEqualTo("ISO_IR 100");
        assertThatThrownBy(() -> find(STUDY, "SpecificCharacterSet", "ISO_IR 100"))
                .isInstanceOf(QueryException.class).hasMessageContaining("not a matching key");
    }

    @Test
    void onlyTheAskedAttributesAreReturned() throws QueryException {
        QueryResult st1 = byUid(search(Query.builder(STUDY).match(tag("PatientID"), P1)
                .returnTags(Set.of(tag("StudyDescription"))).limit(10).build())).get(ST1);
        assertThat(st1.attributes().keySet())
                .containsExactlyInAnyOrder(tag("StudyInstanceUID"), tag("PatientID"), tag("StudyDescription"));
    }

    // --- unknown and misplaced keys -------------------------------------------------------------

    @Test
    void unknownAttributesAreNamedInTheError() {
        assertThatThrownBy(() -> search(Query.builder(STUDY).match(0x00191010, "x").limit(5).build()))
                .isInstanceOf(QueryException.class).hasMessageContaining("(0019,1010)")
                .satisfies(e -> assertThat(((QueryException) e).offendingTag()).hasValue(0x00191010));
        assertThatThrownBy(() -> search(Query.builder(STUDY).returnTags(Set.of(0x00321060)).limit(5).build()))
                .isInstanceOf(QueryException.class).hasMessageContaining("(0032,1060)");
    }

    @Test
    void attributesBelowTheLevelAreRefused() {
        assertThatThrownBy(() -> find(STUDY, "Modality", "CT"))
                .isInstanceOf(QueryException.class).hasMessageContaining("Modality").hasMessageContaining("SERIES");
        assertThatThrownBy(() -> find(PATIENT, "StudyDate", "20200115"))
                .isInstanceOf(QueryException.class).hasMessageContaining("StudyDate");
        assertThatThrownBy(() -> search(Query.builder(SERIES).returnTags(Set.of(tag("Rows"))).limit(5).build()))
                .isInstanceOf(QueryException.class).hasMessageContaining("Rows");
    }

    @Test
    void aKeyGivenTwiceIsRefused() {
        assertThatThrownBy(() -> find(STUDY, "PatientID", P1, "PatientID", P2))
                .isInstanceOf(QueryException.class).hasMessageContaining("PatientID");
    }

    // --- paging and streaming -------------------------------------------------------------------

    @Test
    void limitAndOffsetPageThroughTheOrderedResults() throws QueryException {
        QueryPage first = search(Query.builder(STUDY).limit(2).build());
        assertThat(uids(first)).containsExactly(ST3, ST2);
        assertThat(first.hasMore()).isTrue();

        QueryPage second = search(Query.builder(STUDY).limit(2).offset(2).build());
        assertThat(uids(second)).containsExactly(ST1, ST4);
        assertThat(second.hasMore()).isFalse();

        QueryPage beyond = search(Query.builder(STUDY).limit(2).offset(4).build());
        assertThat(beyond.results()).isEmpty();
        assertThat(beyond.hasMore()).isFalse();

        assertThat(search(Query.builder(STUDY).limit(4).build()).hasMore()).isFalse();
        assertThat(search(Query.builder(STUDY).limit(3).build()).hasMore()).isTrue();
    }

    @Test
    void streamReturnsEveryMatchAndRespectsOffset() throws QueryException {
        try (Stream<QueryResult> all = engine.stream(Query.builder(INSTANCE).build())) {
            assertThat(all.count()).isEqualTo(10);
        }
        try (Stream<QueryResult> rest = engine.stream(Query.builder(STUDY).offset(1).build())) {
            assertThat(rest.map(r -> r.value(tag("StudyInstanceUID")))).containsExactly(ST2, ST1, ST4);
        }
    }

    @Test
    void closingAStreamEarlyGivesItsConnectionBack() throws QueryException {
        // More abandoned streams than the pool has connections: a leak would block and time out.
        for (int i = 0; i < 3 * database.settings().maxPoolSize(); i++) {
            try (Stream<QueryResult> stream = engine.stream(Query.builder(STUDY).build())) {
                assertThat(stream.findFirst()).isPresent();
            }
        }
    }

    // --- helpers --------------------------------------------------------------------------------

    private static int tag(String keyword) {
        try {
            return CATALOG.resolve(keyword).tag();
        } catch (QueryException e) {
            throw new AssertionError(e);
        }
    }

    /** The UIDs (PatientIDs at patient level) of the entities matching keyword/value pairs, in order. */
    private List<String> find(QueryLevel level, String... keywordsAndValues) throws QueryException {
        return uids(search(query(level, false, keywordsAndValues)));
    }

    private List<String> findFuzzy(QueryLevel level, String... keywordsAndValues) throws QueryException {
        return uids(search(query(level, true, keywordsAndValues)));
    }

    private static Query query(QueryLevel level, boolean fuzzy, String... keywordsAndValues) {
        Query.Builder builder = Query.builder(level).fuzzyMatching(fuzzy).limit(100);
        for (int i = 0; i < keywordsAndValues.length; i += 2) {
            builder.match(tag(keywordsAndValues[i]), keywordsAndValues[i + 1]);
        }
        return builder.build();
    }

    private QueryPage search(Query query) throws QueryException {
        return engine.search(query);
    }

    private static List<String> uids(QueryPage page) {
        return page.results().stream().map(QueryEngineContract::uid).toList();
    }

    private static Map<String, QueryResult> byUid(QueryPage page) {
        return page.results().stream().collect(Collectors.toMap(QueryEngineContract::uid, r -> r));
    }

    private static String uid(QueryResult result) {
        return result.value(switch (result.level()) {
            case PATIENT -> tag("PatientID");
            case STUDY -> tag("StudyInstanceUID");
            case SERIES -> tag("SeriesInstanceUID");
            case INSTANCE -> tag("SOPInstanceUID");
        });
    }

    private static Map<String, String> counts(Map<String, QueryResult> results, String keyword) {
        return results.entrySet().stream().collect(Collectors.toMap(
                Map.Entry::getKey, e -> e.getValue().value(tag(keyword))));
    }
}
