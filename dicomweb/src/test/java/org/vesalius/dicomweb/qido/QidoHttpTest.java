package org.vesalius.dicomweb.qido;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.dicomweb.cors.CorsSettings;
import org.vesalius.dicomweb.http.MediaType;
import org.vesalius.dicomweb.multipart.MultipartPart;
import org.vesalius.dicomweb.multipart.MultipartReader;
import org.vesalius.dicomweb.testing.Http;
import org.vesalius.dicomweb.testing.MultipartBody;
import org.vesalius.storage.testing.Dcmtk;
import org.vesalius.storage.testing.SampleDicom;

/**
 * QIDO-RS over real HTTP against a real archive filled through STOW-RS: every resource, every kind
 * of matching, includefield, paging with its Warning, the encodings, bad requests, injection
 * attempts and CORS. Three studies, seven instances:
 * <ul>
 *   <li>A: Doe^John, PAT-1, 2020-01-15 10:15, "CT Chest"; series A1 CT #1 (2 instances), A2 PR #2 (1)</li>
 *   <li>B: doe^jane, PAT-2, 2021-06-20 08:30; series B1 MR #1 (3 instances)</li>
 *   <li>C: O'Brien^Liam, 100%_X, no date; series C1 OT #1 (1 instance)</li>
 * </ul>
 * The server answers at most 6 results, 5 unless asked otherwise.
 */
class QidoHttpTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STUDY_UID = "0020000D";
    private static final String SERIES_UID = "0020000E";

    @TempDir
    static Path root;
    private static QidoServer server;
    private static String studyA;
    private static String studyB;
    private static String studyC;
    private static String seriesA1;
    private static final List<String> SOPS_A1 = new ArrayList<>();

    @BeforeAll
    static void storeSamples() throws Exception {
        server = new QidoServer(root.resolve("server"), new QidoSettings(5, 6),
                new CorsSettings(List.of("http://localhost:*", "https://viewer.example.org")));
        studyA = SampleDicom.newUid();
        studyB = SampleDicom.newUid();
        studyC = SampleDicom.newUid();
        seriesA1 = SampleDicom.newUid();
        String seriesA2 = SampleDicom.newUid();
        String seriesB1 = SampleDicom.newUid();
        String seriesC1 = SampleDicom.newUid();
        List<Path> files = new ArrayList<>();
        Map<String, String> patientA = Map.of("(0010,0010)", "Doe^John", "(0010,0020)", "PAT-1",
                "(0008,0020)", "20200115", "(0008,0030)", "101500", "(0008,1030)", "CT Chest",
                "(0008,0090)", "Welby^Marcus", "(0008,0050)", "ACC-1");
        for (int i = 1; i <= 2; i++) {
            files.add(image(studyA, seriesA1, i, patientA, Map.of("(0008,0060)", "CT", "(0020,0011)", "1")));
        }
        files.add(image(studyA, seriesA2, 1, patientA, Map.of("(0008,0060)", "PR", "(0020,0011)", "2")));
        Map<String, String> patientB = Map.of("(0010,0010)", "doe^jane", "(0010,0020)", "PAT-2",
                "(0008,0020)", "20210620", "(0008,0030)", "083000");
        for (int i = 1; i <= 3; i++) {
            files.add(image(studyB, seriesB1, i, patientB, Map.of("(0008,0060)", "MR", "(0020,0011)", "1")));
        }
        files.add(image(studyC, seriesC1, 1, Map.of("(0010,0010)", "O'Brien^Liam", "(0010,0020)", "100%_X",
                "(0008,0020)", ""), Map.of()));
        MultipartBody body = new MultipartBody("qido-samples");
        files.forEach(file -> body.part(file, "Content-Type: application/dicom"));
        HttpResponse<String> stored = Http.post(URI.create(server.base() + "/studies"),
                "multipart/related; type=\"application/dicom\"; boundary=qido-samples", body.close(""), null);
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    }

    /** A sample image with the given attributes set (dcmodify inserts or replaces them). */
    private static Path image(String study, String series, int number, Map<String, String> patient,
                              Map<String, String> seriesAttributes) throws IOException {
        String sop = SampleDicom.newUid();
        if (series.equals(seriesA1)) {
            SOPS_A1.add(sop);
        }
        Path file = root.resolve("in").resolve(sop + ".dcm");
        java.nio.file.Files.createDirectories(file.getParent());
        SampleDicom.writeImage(file, study, series, sop, number, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN);
        List<String> command = new ArrayList<>(List.of("dcmodify", "-nb"));
        for (Map<String, String> attributes : List.of(patient, seriesAttributes)) {
            attributes.forEach((tag, value) -> command.addAll(List.of("-i", tag + "=" + value)));
        }
        command.add(file.toString());
        Dcmtk.run(Dcmtk.DEFAULT_TIMEOUT, command).requireSuccess();
        return file;
    }

    @AfterAll
    static void stop() throws IOException {
        server.close();
    }

    // ---- helpers --------------------------------------------------------------------------

    private static HttpResponse<String> get(String pathAndQuery, String... headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.base() + pathAndQuery))
                .timeout(Duration.ofSeconds(30)).GET();
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return Http.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A successful JSON search: its results. */
    private static JsonNode search(String pathAndQuery) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).as(pathAndQuery + ": " + response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/dicom+json"));
        JsonNode results = JSON.readTree(response.body());
        assertThat(results.isArray()).isTrue();
        return results;
    }

    private static List<String> values(JsonNode results, String tag) {
        List<String> values = new ArrayList<>();
        for (JsonNode result : results) {
            JsonNode value = result.path(tag).path("Value").path(0);
            values.add(value.isMissingNode() ? null : value.isObject() ? value.path("Alphabetic").asText() : value.asText());
        }
        return values;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static void assertBadRequest(String pathAndQuery, String reasonPart) throws Exception {
        HttpResponse<String> response = get(pathAndQuery);
        assertThat(response.statusCode()).as(pathAndQuery + ": " + response.body()).isEqualTo(400);
        assertThat(response.body()).containsIgnoringCase(reasonPart);
    }

    // ---- resources and default attributes ----------------------------------------------------

    @Test
    void studiesComeNewestFirstWithTheDefaultAttributesInDicomJson() throws Exception {
        JsonNode studies = search("/studies");

        assertThat(values(studies, STUDY_UID)).containsExactly(studyB, studyA, studyC);
        JsonNode a = studies.get(1);
        // PS3.18 F.2: PN as an object, IS/US as numbers, attributes without value have no "Value".
        assertThat(a.path("00100010").path("vr").asText()).isEqualTo("PN");
        assertThat(a.path("00100010").path("Value").get(0).path("Alphabetic").asText()).isEqualTo("Doe^John");
        assertThat(a.path("00080090").path("Value").get(0).path("Alphabetic").asText()).isEqualTo("Welby^Marcus");
        assertThat(a.path("00201206").path("Value").get(0).isInt()).isTrue();
        assertThat(a.path("00201206").path("Value").get(0).asInt()).isEqualTo(2);
        assertThat(a.path("00201208").path("Value").get(0).asInt()).isEqualTo(3);
        assertThat(a.path("00080061").path("Value")).extracting(JsonNode::asText).containsExactly("CT", "PR");
        assertThat(a.path("00080020").path("Value").get(0).asText()).isEqualTo("20200115");
        assertThat(a.path("00080050").path("Value").get(0).asText()).isEqualTo("ACC-1");
        assertThat(a.path("00080056").path("Value").get(0).asText()).isEqualTo("ONLINE");
        assertThat(a.path("00081190").path("vr").asText()).isEqualTo("UR");
        assertThat(a.path("00081190").path("Value").get(0).asText()).isEqualTo(server.base() + "/studies/" + studyA);
        assertThat(a.has("00081030")).as("StudyDescription is not a default return key").isFalse();
        JsonNode c = studies.get(2);
        assertThat(c.path("00080020").has("vr")).isTrue();
        assertThat(c.path("00080020").has("Value")).as("C has no date").isFalse();
        // Elements in tag order, as PS3.18 F.2 requires.
        List<String> tags = new ArrayList<>();
        a.fieldNames().forEachRemaining(tags::add);
        assertThat(tags).isSorted();
    }

    @Test
    void everySearchResourceAnswers() throws Exception {
        JsonNode allSeries = search("/series");
        assertThat(allSeries).hasSize(4);
        // Outside a study, series results carry their study's attributes too.
        assertThat(values(allSeries, "00100010")).contains("Doe^John", "doe^jane", "O'Brien^Liam");

        JsonNode seriesOfA = search("/studies/" + studyA + "/series");
        assertThat(values(seriesOfA, "00080060")).containsExactly("CT", "PR");
        assertThat(values(seriesOfA, "00201209")).containsExactly("2", "1");
        assertThat(seriesOfA.get(0).path("00200011").path("Value").get(0).isInt()).isTrue();
        assertThat(values(seriesOfA, "00081190")).containsExactly(server.base() + "/studies/" + studyA + "/series/" + seriesA1,
                server.base() + "/studies/" + studyA + "/series/" + values(seriesOfA, SERIES_UID).get(1));
        assertThat(seriesOfA.get(0).has("00100010")).as("study attributes only outside a study").isFalse();

        assertThat(search("/instances?limit=6")).hasSize(6);
        assertThat(search("/studies/" + studyA + "/instances")).hasSize(3);
        JsonNode instancesOfA1 = search("/studies/" + studyA + "/series/" + seriesA1 + "/instances");
        assertThat(values(instancesOfA1, "00080018")).containsExactlyElementsOf(SOPS_A1);
        JsonNode first = instancesOfA1.get(0);
        assertThat(first.path("00280010").path("Value").get(0).asInt()).isEqualTo(32);
        assertThat(first.path("00200013").path("Value").get(0).asInt()).isEqualTo(1);
        assertThat(first.path("00080016").path("Value").get(0).asText()).isEqualTo(SampleDicom.SECONDARY_CAPTURE);
        assertThat(first.path("00081190").path("Value").get(0).asText()).isEqualTo(
                server.base() + "/studies/" + studyA + "/series/" + seriesA1 + "/instances/" + SOPS_A1.getFirst());
    }

    @Test
    void noMatchIsAnEmptyArray() throws Exception {
        assertThat(search("/studies?PatientID=NOBODY")).isEmpty();
        assertThat(search("/studies/1.2.3.4.5/series")).isEmpty();
    }

    // ---- matching ------------------------------------------------------------------------

    @Test
    void matchesSingleValuesWildcardsAndFuzzyNames() throws Exception {
        assertThat(values(search("/studies?PatientName=" + encode("Doe^John")), STUDY_UID)).containsExactly(studyA);
        assertThat(values(search("/studies?00100020=PAT-2"), STUDY_UID)).containsExactly(studyB);
        assertThat(values(search("/studies?PatientName=doe*"), STUDY_UID)).containsExactly(studyB);
        assertThat(values(search("/studies?PatientName=D?e*"), STUDY_UID)).containsExactly(studyA);
        assertThat(values(search("/studies?PatientName=doe*&fuzzymatching=true"), STUDY_UID))
                .containsExactly(studyB, studyA);
        // LIKE's own characters are literal: '%' and '_' in the value match only themselves.
        assertThat(values(search("/studies?PatientID=" + encode("100%_X")), STUDY_UID)).containsExactly(studyC);
        assertThat(search("/studies?PatientID=" + encode("100%"))).isEmpty();
        assertThat(search("/studies?PatientID=" + encode("1_0*"))).isEmpty();
    }

    @Test
    void matchesDateAndTimeRangesOpenOrClosed() throws Exception {
        assertThat(values(search("/studies?StudyDate=20200101-20201231"), STUDY_UID)).containsExactly(studyA);
        assertThat(values(search("/studies?StudyDate=20210101-"), STUDY_UID)).containsExactly(studyB);
        assertThat(values(search("/studies?StudyDate=-20201231"), STUDY_UID)).containsExactly(studyA);
        assertThat(values(search("/studies?StudyDate=20210620"), STUDY_UID)).containsExactly(studyB);
        assertThat(values(search("/studies?StudyTime=0800-0900"), STUDY_UID)).containsExactly(studyB);
    }

    @Test
    void matchesUidListsModalitiesAndNumbers() throws Exception {
        assertThat(values(search("/studies?StudyInstanceUID=" + studyA + "," + studyC), STUDY_UID))
                .containsExactly(studyA, studyC);
        assertThat(values(search("/studies?ModalitiesInStudy=MR"), STUDY_UID)).containsExactly(studyB);
        assertThat(values(search("/studies?ModalitiesInStudy=PR,OT"), STUDY_UID)).containsExactly(studyA, studyC);
        assertThat(values(search("/series?Modality=CT"), SERIES_UID)).containsExactly(seriesA1);
        assertThat(search("/studies/" + studyA + "/series?SeriesNumber=2")).hasSize(1);
        assertThat(search("/studies/" + studyB + "/instances?InstanceNumber=3")).hasSize(1);
        assertThat(search("/instances?PatientID=PAT-2&limit=6")).hasSize(3);
    }

    // ---- includefield ----------------------------------------------------------------------

    @Test
    void includefieldAddsAttributesByKeywordTagOrAll() throws Exception {
        assertThat(values(search("/studies?StudyInstanceUID=" + studyA + "&includefield=StudyDescription"), "00081030"))
                .containsExactly("CT Chest");
        assertThat(values(search("/studies?StudyInstanceUID=" + studyA + "&includefield=00081030,00100021"), "00081030"))
                .containsExactly("CT Chest");
        JsonNode all = search("/studies?StudyInstanceUID=" + studyA + "&includefield=all").get(0);
        assertThat(all.has("00081030")).isTrue();
        assertThat(all.has("00100021")).as("IssuerOfPatientID, returned without value").isTrue();
        // OHIF asks studies for Modality (a series attribute) and attributes the archive does not keep:
        // "if available", so they are left out rather than refused.
        JsonNode ohif = search("/studies?limit=101&offset=0&fuzzymatching=false"
                + "&includefield=00081030%2C00080060&includefield=00280030");
        assertThat(ohif).hasSize(3);
        assertThat(ohif.get(0).has("00080060")).isFalse();
        assertBadRequest("/studies?includefield=" + encode("Patient'Name"), "includefield");
    }

    // ---- paging ------------------------------------------------------------------------------

    @Test
    void pagesWithLimitAndOffsetAndWarnsWhenMoreExist() throws Exception {
        HttpResponse<String> defaultPage = get("/instances");
        assertThat(JSON.readTree(defaultPage.body())).hasSize(5);
        assertThat(defaultPage.headers().firstValue("Warning")).hasValueSatisfying(warning -> assertThat(warning)
                .startsWith("299 " + server.base() + ": \"").contains("Additional results can be requested"));

        HttpResponse<String> aboveMaximum = get("/instances?limit=1000");
        assertThat(JSON.readTree(aboveMaximum.body())).as("lowered to the maximum").hasSize(6);
        assertThat(aboveMaximum.headers().firstValue("Warning")).isPresent();

        HttpResponse<String> lastPage = get("/instances?limit=4&offset=4");
        assertThat(JSON.readTree(lastPage.body())).hasSize(3);
        assertThat(lastPage.headers().firstValue("Warning")).isEmpty();

        List<String> pages = new ArrayList<>();
        for (int offset = 0; offset < 7; offset += 2) {
            pages.addAll(values(search("/instances?limit=2&offset=" + offset), "00080018"));
        }
        assertThat(pages).hasSize(7).doesNotHaveDuplicates();
        assertThat(search("/studies?offset=3")).isEmpty();
        assertThat(get("/studies").headers().firstValue("Warning")).isEmpty();
    }

    @Test
    void refusesAbsurdLimitsAndOffsets() throws Exception {
        for (String bad : List.of("limit=0", "limit=-1", "limit=abc", "limit=99999999999999", "limit=1&limit=2",
                "offset=-5", "offset=1e3", "offset=99999999999999")) {
            assertBadRequest("/studies?" + bad, bad.substring(0, bad.indexOf('=')));
        }
    }

    // ---- bad requests and injection ----------------------------------------------------------

    @Test
    void refusesUnknownKeysBadValuesAndBadUidsWithTheReason() throws Exception {
        assertBadRequest("/studies?NoSuchAttribute=1", "NoSuchAttribute");
        assertBadRequest("/studies?00191001=x", "00191001");
        assertBadRequest("/studies?StudyDate=2020", "StudyDate");
        assertBadRequest("/studies?StudyInstanceUID=1.2.*", "not a valid UID");
        assertBadRequest("/studies?SeriesNumber=one", "SeriesNumber");
        assertBadRequest("/studies?Modality=CT", "SERIES level");
        assertBadRequest("/studies?fuzzymatching=maybe", "fuzzymatching");
        assertBadRequest("/studies?PatientID=A&00100020=B", "more than once");
        assertBadRequest("/studies/1.2.abc/series", "Study Instance UID");
        assertBadRequest("/studies/" + studyA + "/series/" + encode("1.2'--") + "/instances", "Series Instance UID");
    }

    @Test
    void injectionAttemptsMatchNothingAndHarmNothing() throws Exception {
        for (String attempt : List.of("x' OR '1'='1", "'; DROP TABLE patient; --", "\") OR 1=1 --",
                "Doe^John' UNION SELECT * FROM study --", "*' OR 'a'='a")) {
            assertThat(search("/studies?PatientName=" + encode(attempt))).as(attempt).isEmpty();
            assertThat(search("/studies?PatientID=" + encode(attempt) + "&fuzzymatching=true")).as(attempt).isEmpty();
        }
        assertBadRequest("/studies?" + encode("PatientID' OR 1=1 --") + "=x", "unknown");
        assertThat(search("/studies")).hasSize(3);
    }

    @Test
    void negotiatesJsonOrMultipartXml() throws Exception {
        HttpResponse<String> json = get("/studies", "Accept", "application/json");
        assertThat(json.statusCode()).isEqualTo(200);
        assertThat(json.headers().firstValue("Content-Type")).contains("application/json");

        HttpResponse<InputStream> xml = Http.get(URI.create(server.base() + "/studies?PatientID=PAT-1"),
                "multipart/related; type=\"application/dicom+xml\"");
        assertThat(xml.statusCode()).isEqualTo(200);
        MediaType type = MediaType.parse(xml.headers().firstValue("Content-Type").orElseThrow());
        assertThat(type.parameter("type")).contains("application/dicom+xml");
        List<String> parts = new ArrayList<>();
        try (InputStream body = xml.body()) {
            MultipartReader reader = new MultipartReader(body, type.parameter("boundary").orElseThrow());
            for (MultipartPart part = reader.next(); part != null; part = reader.next()) {
                parts.add(new String(part.body().readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        assertThat(parts).hasSize(1);
        assertThat(parts.getFirst()).contains("<NativeDicomModel", "keyword=\"PatientName\"",
                "<PersonName number=\"1\"><Alphabetic><FamilyName>Doe</FamilyName><GivenName>John</GivenName>",
                "<Value number=\"1\">" + studyA + "</Value>");

        assertThat(get("/studies", "Accept", "image/png").statusCode()).isEqualTo(406);
    }

    // ---- CORS --------------------------------------------------------------------------------

    @Test
    void answersCorsPreflightAndExposesTheHeadersViewersRead() throws Exception {
        HttpResponse<String> preflight = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(server.base() + "/studies"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "http://localhost:3000")
                .header("Access-Control-Request-Method", "GET")
                .header("Access-Control-Request-Headers", "accept, authorization").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains("http://localhost:3000");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("GET", "POST");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers")).contains("accept, authorization");

        HttpResponse<String> elsewhere = Http.CLIENT.send(HttpRequest.newBuilder(URI.create(server.base() + "/studies"))
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .header("Origin", "https://evil.example.com")
                .header("Access-Control-Request-Method", "GET").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(elsewhere.statusCode()).isEqualTo(403);
        assertThat(elsewhere.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();

        HttpResponse<String> actual = get("/instances", "Origin", "https://viewer.example.org");
        assertThat(actual.statusCode()).isEqualTo(200);
        assertThat(actual.headers().firstValue("Access-Control-Allow-Origin")).contains("https://viewer.example.org");
        assertThat(actual.headers().firstValue("Access-Control-Expose-Headers").orElseThrow()).contains("Warning", "Location");
        assertThat(actual.headers().firstValue("Warning")).isPresent();

        HttpResponse<String> refused = get("/studies/1.2.abc/series", "Origin", "http://localhost:8042");
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.headers().firstValue("Access-Control-Allow-Origin")).as("errors are readable too")
                .contains("http://localhost:8042");

        HttpResponse<String> notAllowed = get("/studies", "Origin", "https://evil.example.com");
        assertThat(notAllowed.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
        assertThat(get("/studies").headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
}
