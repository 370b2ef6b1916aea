package org.vesalius.storage.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vesalius.storage.testing.S3ProxyFixture;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

class S3BlobStoreTest extends BlobStoreContractTest {
    private static final AtomicInteger PREFIXES = new AtomicInteger();

    static S3ProxyFixture s3;

    @BeforeAll
    static void startS3() throws Exception {
        s3 = S3ProxyFixture.start();
    }

    @AfterAll
    static void stopS3() {
        s3.close();
    }

    String prefix;

    /** Each test gets its own key prefix in the shared bucket, so it starts empty. */
    @Override
    BlobStore newStore() {
        prefix = "test-" + PREFIXES.incrementAndGet() + "/";
        return new S3BlobStore(settings(prefix, s3.bucket(), s3.secretKey()));
    }

    private static S3Settings settings(String prefix, String bucket, String secret) {
        return new S3Settings(bucket, prefix, S3ProxyFixture.REGION, s3.endpoint().toString(), true,
                s3.accessKey(), secret, PART_SIZE, PART_SIZE);
    }

    @Test
    void keepsObjectsUnderItsPrefix() throws Exception {
        store.put(KEY, SeededContent.stream(30, 100), 100);

        try (S3BlobStore wholeBucket = new S3BlobStore(settings("", s3.bucket(), s3.secretKey()))) {
            assertThat(wholeBucket.size(prefix + KEY)).contains(100L);
            assertThat(sha256In(wholeBucket, prefix + KEY)).isEqualTo(SeededContent.sha256(30, 100));
        }
    }

    @Test
    void uploadsLargeObjectsInPartsAndAbortsFailedUploads() throws Exception {
        try (S3Client raw = rawClient()) {
            store.put(KEY, SeededContent.stream(33, LARGE), LARGE);
            // A multipart object's ETag ends in its number of parts.
            assertThat(raw.headObject(r -> r.bucket(s3.bucket()).key(prefix + KEY)).eTag()).endsWith("-3\"");

            assertThatThrownBy(() -> store.put("broken", failingAfter(SeededContent.stream(34, LARGE), PART_SIZE + 1), -1))
                    .isInstanceOf(IOException.class);
            assertThat(raw.listMultipartUploads(r -> r.bucket(s3.bucket()).prefix(prefix)).uploads()).isEmpty();
        }
    }

    @Test
    void acceptsAnUploadToAPresignedUrl() throws Exception {
        URL url = ((S3BlobStore) store).presignPut(KEY, Duration.ofMinutes(5));

        HttpResponse<String> response;
        try (HttpClient http = HttpClient.newHttpClient()) {
            response = http.send(HttpRequest.newBuilder(url.toURI())
                            .PUT(HttpRequest.BodyPublishers.fromPublisher(  // S3 wants a Content-Length
                                    HttpRequest.BodyPublishers.ofInputStream(() -> SeededContent.stream(31, 70_000)),
                                    70_000))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(store.size(KEY)).contains(70_000L);
        assertThat(sha256(KEY)).isEqualTo(SeededContent.sha256(31, 70_000));
    }

    @Test
    void presignedUrlDoesNotCarryTheSecret() {
        URL url = ((S3BlobStore) store).presignPut(KEY, Duration.ofMinutes(5));

        assertThat(url.toString()).doesNotContain(s3.secretKey()).contains("X-Amz-Signature=");
    }

    @Test
    void healthFailsWhenTheBucketDoesNotExist() {
        try (S3BlobStore missing = new S3BlobStore(settings("", "no-such-bucket", s3.secretKey()))) {
            assertThatThrownBy(missing::checkHealth).isInstanceOf(IOException.class);
        }
    }

    @Test
    void failsWithWrongCredentials() {
        try (S3BlobStore wrong = new S3BlobStore(settings("", s3.bucket(), "not-the-secret"))) {
            assertThatThrownBy(wrong::checkHealth).isInstanceOf(IOException.class);
            assertThatThrownBy(() -> wrong.put(KEY, SeededContent.stream(32, 10), 10))
                    .isInstanceOf(IOException.class);
            assertThatThrownBy(() -> wrong.open(KEY)).isInstanceOf(IOException.class)
                    .isNotInstanceOf(BlobNotFoundException.class);
        }
    }

    @Test
    void healthFailsWhenNothingListens() throws Exception {
        int closedPort;
        try (var socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        S3Settings nowhere = new S3Settings(s3.bucket(), "", S3ProxyFixture.REGION,
                URI.create("http://127.0.0.1:" + closedPort).toString(), true, s3.accessKey(), s3.secretKey(), 0, 0);
        try (S3BlobStore unreachable = new S3BlobStore(nowhere)) {
            assertThatThrownBy(unreachable::checkHealth).isInstanceOf(IOException.class);
        }
    }

    @Test
    void neverPrintsTheSecret() {
        S3Settings settings = s3.settings("p/");

        assertThat(settings.toString()).doesNotContain(s3.secretKey()).contains(s3.accessKey());
        assertThat(store.describe()).doesNotContain(s3.secretKey()).startsWith("s3://" + s3.bucket() + "/test-");
    }

    @Test
    void normalisesAndChecksSettings() {
        assertThat(s3.settings("vesalius").prefix()).isEqualTo("vesalius/");
        assertThat(s3.settings(null).prefix()).isEmpty();
        assertThat(s3.settings("").partSizeBytes()).isEqualTo(S3Settings.DEFAULT_PART_SIZE);
        assertThatThrownBy(() -> s3.settings("../up")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new S3Settings(" ", "", null, null, false, null, null, 0, 0))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new S3Settings("b", "", null, null, false, null, null, 0, 1024 * 1024))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static S3Client rawClient() {
        return S3Client.builder()
                .region(Region.of(S3ProxyFixture.REGION))
                .endpointOverride(s3.endpoint())
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    private static String sha256In(BlobStore store, String key) throws IOException {
        try (var in = store.open(key)) {
            return SeededContent.sha256(in);
        }
    }
}
