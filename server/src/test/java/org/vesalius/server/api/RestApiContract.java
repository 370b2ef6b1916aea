package org.vesalius.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vesalius.server.VesaliusNode;
import org.vesalius.storage.images.NiftiFiles;
import org.vesalius.storage.testing.SampleDicom;

/**
 * The REST API over real HTTP against a started node; subclasses give the blob store (folder, S3).
 * The node's object limit is {@link #MAX_BYTES}.
 */
abstract class RestApiContract {
    static final long MAX_BYTES = 200_000;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    abstract VesaliusNode node();

    abstract Path temp();

    String url(String path) {
        return "http://127.0.0.1:" + node().httpPort() + "/api" + path;
    }

    record Answer(int status, byte[] body, HttpResponse<byte[]> response) {
        JsonObject json() {
            try {
                return Json.createReader(new StringReader(text())).readObject();
            } catch (RuntimeException e) {
                throw new AssertionError("not a JSON object (status " + status + "): " + text(), e);
            }
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    Answer send(String method, String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path : url(path)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        HttpResponse<byte[]> response = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), response.body(), response);
    }

    Answer get(String path) throws Exception {
        return send("GET", path, null, null);
    }

    Answer json(String method, String path, String json) throws Exception {
        return send(method, path, "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /** Asserts a refusal: the status and {"error": ...} containing the words. */
    static void refused(Answer answer, int status, String words) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.json().getString("error")).containsIgnoringCase(words);
    }

    static byte[] nifti() {
        return NiftiFiles.nifti1(new int[] {8, 6, 4}, new float[] {1f, 1f, 2f}, ByteOrder.LITTLE_ENDIAN, new int[] {1, 1, 1});
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static byte[] form(String boundary, List<String[]> parts) {
        // each part: {name, filename or null, content type or null, body as ISO-8859-1 string}
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String[] p : parts) {
            StringBuilder head = new StringBuilder("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + p[0] + "\"");
            if (p[1] != null) {
                head.append("; filename=\"").append(p[1]).append('"');
            }
            head.append("\r\n");
            if (p[2] != null) {
                head.append("Content-Type: ").append(p[2]).append("\r\n");
            }
            head.append("\r\n");
            out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(p[3].getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    long blobCount(String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        node().archive().blobStore().forEachKey(prefix, keys::add);
        return keys.size();
    }

    @Test
    void niftiRawGzippedAndFormUploadsAreListedDownloadedAndDeleted() throws Exception {
        byte[] nii = nifti();
        byte[] niiGz = NiftiFiles.gzip(NiftiFiles.nifti2(new int[] {4, 4, 3}, new double[] {0.5, 0.5, 1}, ByteOrder.BIG_ENDIAN));

        Answer raw = send("POST", "/subjects/nifti-1/images", "application/octet-stream", nii);
        assertThat(raw.status()).as(raw.text()).isEqualTo(201);
        JsonObject created = raw.json();
        assertThat(created.getString("type")).isEqualTo("nifti");
        assertThat(created.getString("subjectId")).isEqualTo("nifti-1");
        assertThat(created.getString("sha256")).isEqualTo(sha256(nii));
        assertThat(created.getString("createdBy")).isEqualTo("anonymous");
        assertThat(created.getJsonObject("nifti").getJsonArray("dims").toString()).isEqualTo("[8,6,4]");
        assertThat(created.getJsonObject("nifti").getString("orientation")).isEqualTo("RAS");
        String id = created.getString("id");
        assertThat(raw.response().headers().firstValue("Location")).contains("/api/images/" + id);

        Answer gz = send("POST", "/subjects/nifti-1/images", "application/gzip", niiGz);
        assertThat(gz.status()).as(gz.text()).isEqualTo(201);
        assertThat(gz.json().getJsonObject("nifti").getInt("version")).isEqualTo(2);
        assertThat(gz.json().getJsonObject("nifti").getBoolean("gzipped")).isTrue();

        String boundary = "b0undary-x";
        Answer form = send("POST", "/subjects/nifti-1/images", "multipart/form-data; boundary=" + boundary,
                form(boundary, List.of(new String[] {"note", null, null, "hello"},
                        new String[] {"file", "brain.nii.gz", "application/gzip", latin1(niiGz)})));
        assertThat(form.status()).as(form.text()).isEqualTo(201);

        Answer list = get("/subjects/nifti-1/images");
        assertThat(list.json().getInt("total")).isEqualTo(3);
        assertThat(list.json().getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(form.json().getString("id"));
        assertThat(get("/subjects/nifti-1/images?limit=1&offset=2").json().getJsonArray("items").getJsonObject(0)
                .getString("id")).isEqualTo(id);
        assertThat(get("/subjects/nifti-1/images?type=dicom").json().getInt("total")).isZero();
        assertThat(get("/subjects/nifti-1/images?from=2000-01-01&to=2000-12-31").json().getInt("total")).isZero();
        assertThat(get("/subjects/nifti-1/images?from=" + URLEncoder.encode(Instant.now().minusSeconds(600).toString(), StandardCharsets.UTF_8)).json().getInt("total")).isEqualTo(3);
        assertThat(get("/subjects/nobody/images").json().getInt("total")).isZero();

        Answer download = get("/images/" + id);
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.body()).isEqualTo(nii);
        Answer base64 = get("/images/" + gz.json().getString("id") + "?encoding=base64");
        assertThat(Base64.getDecoder().decode(base64.json().getString("data"))).isEqualTo(niiGz);

        assertThat(send("DELETE", "/images/" + id, null, null).status()).isEqualTo(204);
        refused(get("/images/" + id), 404, "no image");
        refused(send("DELETE", "/images/" + id, null, null), 404, "no image");
        assertThat(get("/subjects/nifti-1/images").json().getInt("total")).isEqualTo(2);
        assertThat(blobCount("nifti/" + id)).isZero();
    }

    @Test
    void dicomGoesThroughIngestAndReportsASubjectMismatch() throws Exception {
        SampleDicom.Instance instance = SampleDicom.generate(temp().resolve("dicom"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
        byte[] bytes = Files.readAllBytes(instance.file());
        Answer stored = send("POST", "/subjects/dicom-1/images", "application/dicom", bytes);
        assertThat(stored.status()).as(stored.text()).isEqualTo(201);
        JsonObject json = stored.json();
        assertThat(json.getString("type")).isEqualTo("dicom");
        assertThat(json.getString("studyInstanceUid")).isEqualTo(instance.studyInstanceUid());
        assertThat(json.getString("seriesInstanceUid")).isEqualTo(instance.seriesInstanceUid());
        assertThat(json.getString("sopInstanceUid")).isEqualTo(instance.sopInstanceUid());
        assertThat(json.getString("warning")).contains("PatientID", "dicom-1");
        assertThat(node().archive().index().findInstance(instance.sopInstanceUid())).isPresent();

        Answer again = send("POST", "/subjects/dicom-1/images", "application/dicom", bytes);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().getString("id")).isEqualTo(json.getString("id"));
        assertThat(again.json().getBoolean("alreadyStored")).isTrue();

        assertThat(get("/images/" + json.getString("id")).body()).isEqualTo(bytes);
        JsonObject subjects = get("/subjects?limit=1000").json();
        assertThat(subjects.getJsonArray("items").stream().map(v -> v.asJsonObject())
                .filter(s -> s.getString("subjectId").equals("dicom-1")).findFirst().orElseThrow().getInt("images")).isEqualTo(1);

        assertThat(send("DELETE", "/images/" + json.getString("id"), null, null).status()).isEqualTo(204);
        assertThat(node().archive().index().findInstance(instance.sopInstanceUid())).isEmpty();
    }

    @Test
    void badUploadsAreRefusedAndLeaveNothingStored() throws Exception {
        byte[] nii = nifti();
        long niftiBlobs = blobCount("nifti/");
        String path = "/subjects/bad-1/images";

        refused(send("POST", path, "application/dicom", nii), 415, "not application/dicom");
        refused(send("POST", path, "application/gzip", nii), 415, "not application/gzip");
        refused(send("POST", path, "text/plain", nii), 415, "not an image type");
        refused(send("POST", path, null, nii), 415, "Content-Type");
        refused(send("POST", path, "application/octet-stream", "just text, long enough".repeat(40).getBytes()), 415, "neither");
        refused(send("POST", path, "application/octet-stream", new byte[0]), 400, "empty");
        refused(send("POST", path, "application/octet-stream", Arrays.copyOf(nii, nii.length - 7)), 400, "truncated");
        byte[] gz = NiftiFiles.gzip(nii);
        refused(send("POST", path, "application/gzip", Arrays.copyOf(gz, gz.length - 12)), 400, "truncated");
        SampleDicom.Instance instance = SampleDicom.generate(temp().resolve("bad"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
        byte[] dicom = Files.readAllBytes(instance.file());
        Answer cutDicom = send("POST", path, "application/dicom", Arrays.copyOf(dicom, dicom.length - 100));
        assertThat(cutDicom.status()).as(cutDicom.text()).isEqualTo(400);
        refused(send("POST", path, "application/octet-stream", new byte[(int) MAX_BYTES + 1]), 413, "limit");

        String boundary = "xyz";
        refused(send("POST", path, "multipart/form-data; boundary=" + boundary, form(boundary,
                List.of(new String[] {"a", "1.nii", null, latin1(nii)}, new String[] {"b", "2.nii", null, latin1(nii)}))),
                400, "more than one file");
        refused(send("POST", path, "multipart/form-data; boundary=" + boundary, form(boundary,
                List.<String[]>of(new String[] {"a", null, null, "x"}))), 400, "no file");
        refused(send("POST", path, "multipart/form-data; boundary=" + boundary, "garbage".getBytes()), 400, "multipart");
        refused(send("POST", path, "multipart/form-data", nii), 400, "boundary");

        for (String subject : List.of("a%20b", "a".repeat(65), "%C3%A9", "a%3Bb")) {
            refused(send("POST", "/subjects/" + subject + "/images", "application/octet-stream", nii), 400, "subject id");
        }
        for (String trick : List.of("x%2F..%2F..%2Fetc", "%2E%2E")) {
            // Decoded to slashes and dots, these match no route: the web server's own 4xx.
            assertThat(send("POST", "/subjects/" + trick + "/images", "application/octet-stream", nii).status())
                    .isBetween(400, 404);
        }
        refused(get("/subjects/ok/images?limit=0"), 400, "limit");
        refused(get("/subjects/ok/images?type=png"), 400, "type");
        refused(get("/subjects/ok/images?from=yesterday"), 400, "from");
        assertThat(get("/images/..%2F..%2Fetc").status()).isEqualTo(404); // no route: the web server's own 404
        refused(get("/images/AAAAAAAAAAAAAAAAAAAAAA"), 404, "no image");
        refused(get("/images/AAAAAAAAAAAAAAAAAAAAAA?encoding=hex"), 404, "no image");

        assertThat(get("/subjects/bad-1/images").json().getInt("total")).isZero();
        assertThat(blobCount("nifti/")).isEqualTo(niftiBlobs);
        assertThat(node().archive().index().findInstance(instance.sopInstanceUid())).isEmpty();
    }

    @Test
    void tagsAreCreatedRenamedAttachedSearchedAndDeleted() throws Exception {
        Answer created = json("POST", "/tags", "{\"name\":\"CT-Head\",\"description\":\"head CTs\"}");
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(created.json().getString("createdBy")).isEqualTo("anonymous");
        refused(json("POST", "/tags", "{\"name\":\"ct-head\"}"), 409, "exists");
        refused(json("POST", "/tags", "{\"name\":\"../x\"}"), 400, "tag name");
        refused(json("POST", "/tags", "{\"nom\":\"x\"}"), 400, "name");
        refused(json("POST", "/tags", "{not json"), 400, "JSON");
        refused(json("POST", "/tags", "[1]"), 400, "object");
        refused(send("POST", "/tags", "text/plain", "name=x".getBytes()), 415, "application/json");
        refused(json("POST", "/tags", "{\"name\":\"long\",\"description\":\"" + "d".repeat(1025) + "\"}"), 400, "description");
        assertThat(json("POST", "/tags", "{\"name\":\"followup\"}").status()).isEqualTo(201);
        assertThat(json("POST", "/tags", "{\"name\":\"to-delete\"}").status()).isEqualTo(201);

        assertThat(get("/tags/ct-HEAD").json().getString("description")).isEqualTo("head CTs");
        refused(get("/tags/nope"), 404, "no tag");
        Answer renamed = json("PATCH", "/tags/ct-head", "{\"name\":\"ct-brain\",\"description\":\"brain CTs\"}");
        assertThat(renamed.status()).as(renamed.text()).isEqualTo(200);
        assertThat(renamed.json().getString("name")).isEqualTo("ct-brain");
        refused(json("PATCH", "/tags/ct-brain", "{\"name\":\"FOLLOWUP\"}"), 409, "exists");
        refused(json("PATCH", "/tags/nope", "{\"description\":\"x\"}"), 404, "no tag");
        assertThat(get("/tags?limit=1000").json().getJsonArray("items").stream()
                .map(v -> v.asJsonObject().getString("name")).toList()).contains("ct-brain", "followup", "to-delete");

        SampleDicom.Instance instance = SampleDicom.generate(temp().resolve("tagged"), 1, SampleDicom.EXPLICIT_VR_LITTLE_ENDIAN).get(0);
        assertThat(send("POST", "/subjects/tagged/images", "application/dicom", Files.readAllBytes(instance.file())).status()).isEqualTo(201);
        String image = send("POST", "/subjects/tagged/images", "application/octet-stream", nifti()).json().getString("id");

        Map<String, String> objects = Map.of("/studies/" + instance.studyInstanceUid(), "study",
                "/series/" + instance.seriesInstanceUid(), "series",
                "/instances/" + instance.sopInstanceUid(), "instance",
                "/images/" + image, "image");
        for (String object : objects.keySet()) {
            assertThat(send("PUT", object + "/tags/ct-brain", null, null).status()).isEqualTo(204);
            assertThat(send("PUT", object + "/tags/CT-BRAIN", null, null).status()).isEqualTo(204); // idempotent
        }
        assertThat(send("PUT", "/images/" + image + "/tags/followup", null, null).status()).isEqualTo(204);
        assertThat(send("PUT", "/images/" + image + "/tags/to-delete", null, null).status()).isEqualTo(204);
        JsonObject imageTags = get("/images/" + image + "/tags").json();
        assertThat(imageTags.getInt("total")).isEqualTo(3);
        assertThat(imageTags.getJsonArray("items").getJsonObject(0).getString("assignedBy")).isEqualTo("anonymous");

        refused(send("PUT", "/studies/1.2.3.999/tags/ct-brain", null, null), 404, "no study");
        refused(send("PUT", "/studies/not-a-uid/tags/ct-brain", null, null), 400, "UID");
        refused(send("PUT", "/images/" + image + "/tags/nope", null, null), 404, "no tag");
        assertThat(send("PUT", "/images/" + image + "/tags/..%2Fx", null, null).status()).isEqualTo(404);
        refused(send("PUT", "/images/" + image + "/tags/..x", null, null), 400, "tag name");
        refused(get("/instances/1.2.3.999/tags"), 404, "no instance");

        JsonObject all = get("/search?tag=ct-brain").json();
        assertThat(all.getInt("total")).isEqualTo(4);
        assertThat(all.getJsonArray("items").stream().map(v -> v.asJsonObject().getString("type")).toList())
                .containsExactlyInAnyOrder("study", "series", "instance", "image");
        JsonObject both = get("/search?tag=ct-brain&tag=followup").json();
        assertThat(both.getInt("total")).isEqualTo(1);
        assertThat(both.getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(image);
        assertThat(both.getJsonArray("items").getJsonObject(0).getJsonArray("tags").toString())
                .isEqualTo("[\"ct-brain\",\"followup\",\"to-delete\"]");
        assertThat(get("/search?tagLike=" + URLEncoder.encode("ct%", StandardCharsets.UTF_8) + "&type=series").json()
                .getJsonArray("items").getJsonObject(0).getString("id")).isEqualTo(instance.seriesInstanceUid());
        assertThat(get("/search?tagLike=fol_owup").json().getInt("total")).isEqualTo(1);
        assertThat(get("/search?tag=ct-brain&from=2000-01-01&to=2000-01-02").json().getInt("total")).isZero();
        assertThat(get("/search?tag=ct-brain&from=" + URLEncoder.encode(Instant.now().minusSeconds(600).toString(), StandardCharsets.UTF_8)).json().getInt("total")).isEqualTo(4);
        assertThat(get("/search?tag=ct-brain&limit=3&offset=3").json().getJsonArray("items")).hasSize(1);
        refused(get("/search?tagLike=" + URLEncoder.encode("a'--", StandardCharsets.UTF_8)), 400, "tagLike");
        refused(get("/search?type=patient"), 400, "type");

        assertThat(send("DELETE", "/studies/" + instance.studyInstanceUid() + "/tags/ct-brain", null, null).status()).isEqualTo(204);
        refused(send("DELETE", "/studies/" + instance.studyInstanceUid() + "/tags/ct-brain", null, null), 404, "has no tag");
        assertThat(send("DELETE", "/tags/to-delete", null, null).status()).isEqualTo(204);
        refused(send("DELETE", "/tags/to-delete", null, null), 404, "no tag");
        assertThat(get("/images/" + image + "/tags").json().getInt("total")).isEqualTo(2);
        assertThat(get("/search?tag=ct-brain").json().getInt("total")).isEqualTo(3);

        assertThat(send("DELETE", "/images/" + image, null, null).status()).isEqualTo(204);
        assertThat(get("/search?tag=followup").json().getInt("total")).isZero();
    }

    @Test
    void stagedUploadsArePutThenCompleted() throws Exception {
        byte[] nii = nifti();
        JsonObject upload = json("POST", "/uploads", "{\"subjectId\":\"staged-1\"}").json();
        String id = upload.getString("id");
        assertThat(Instant.parse(upload.getString("expiresAt"))).isAfter(Instant.now());
        refused(send("POST", "/uploads/" + id + "/complete", null, null), 409, "nothing was uploaded");

        // A plain HTTP PUT to the URL given, with no credentials: presigned S3, or this server.
        Answer put = send("PUT", upload.getString("url"), "application/octet-stream", nii);
        assertThat(put.status()).as(put.text()).isBetween(200, 204);
        Answer completed = send("POST", "/uploads/" + id + "/complete", null, null);
        assertThat(completed.status()).as(completed.text()).isEqualTo(201);
        assertThat(completed.json().getString("subjectId")).isEqualTo("staged-1");
        assertThat(completed.json().getString("sha256")).isEqualTo(sha256(nii));
        assertThat(get("/images/" + completed.json().getString("id")).body()).isEqualTo(nii);
        refused(send("POST", "/uploads/" + id + "/complete", null, null), 404, "no upload");
        assertThat(blobCount("uploads/" + id)).isZero();

        // Refused content ends the upload: nothing kept.
        String bad = json("POST", "/uploads", "{\"subjectId\":\"staged-1\"}").json().getString("id");
        assertThat(send("PUT", url("/uploads/" + bad + "/content"), "application/octet-stream", "not an image".getBytes()).status())
                .isEqualTo(204);
        refused(send("POST", "/uploads/" + bad + "/complete", null, null), 415, "neither");
        refused(send("POST", "/uploads/" + bad + "/complete", null, null), 404, "no upload");
        assertThat(blobCount("uploads/" + bad)).isZero();

        String big = json("POST", "/uploads", "{\"subjectId\":\"staged-1\"}").json().getString("id");
        refused(send("PUT", url("/uploads/" + big + "/content"), "application/octet-stream", new byte[(int) MAX_BYTES + 1]), 413, "limit");
        refused(json("POST", "/uploads", "{\"subjectId\":\"../etc\"}"), 400, "subject id");
        refused(json("POST", "/uploads", "{}"), 400, "subjectId");
        refused(send("POST", "/uploads/AAAAAAAAAAAAAAAAAAAAAA/complete", null, null), 404, "no upload");
        refused(send("POST", "/uploads/..x/complete", null, null), 400, "upload id");
        assertThat(get("/subjects/staged-1/images").json().getInt("total")).isEqualTo(1);
    }
}
