package org.vesalius.storage.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Properties;
import java.util.stream.Stream;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;
import org.vesalius.storage.blob.S3Settings;

/**
 * A real S3 endpoint for tests: S3Proxy on a free loopback port, keeping objects in files under a
 * temporary folder (jclouds' filesystem provider), checking AWS V2 or V4 signatures made with
 * {@link #ACCESS_KEY}/{@link #SECRET_KEY}, with one bucket created up front.
 *
 * <pre>{@code
 * static S3ProxyFixture s3;
 * @BeforeAll static void start() throws Exception { s3 = S3ProxyFixture.start(); }
 * @AfterAll static void stop() { s3.close(); }
 * ... new S3BlobStore(s3.settings("some/prefix/")) ...
 * }</pre>
 */
public final class S3ProxyFixture implements AutoCloseable {
    public static final String ACCESS_KEY = "vesalius-test-access-key";
    public static final String SECRET_KEY = "vesalius-test-secret-key";
    public static final String REGION = "us-east-1";
    public static final String DEFAULT_BUCKET = "vesalius-test";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    private final Path folder;
    private final BlobStoreContext context;
    private final S3Proxy proxy;
    private final String bucket;

    private S3ProxyFixture(Path folder, BlobStoreContext context, S3Proxy proxy, String bucket) {
        this.folder = folder;
        this.context = context;
        this.proxy = proxy;
        this.bucket = bucket;
    }

    /** Starts S3Proxy with the bucket {@value #DEFAULT_BUCKET}. */
    public static S3ProxyFixture start() throws Exception {
        return start(DEFAULT_BUCKET);
    }

    /** Starts S3Proxy with the given bucket; returns once it accepts requests. */
    public static S3ProxyFixture start(String bucket) throws Exception {
        Path folder = Files.createTempDirectory("vesalius-s3proxy-");
        Properties jclouds = new Properties();
        jclouds.setProperty("jclouds.filesystem.basedir", folder.toString());
        BlobStoreContext context = ContextBuilder.newBuilder("filesystem")
                .credentials(ACCESS_KEY, SECRET_KEY)
                .overrides(jclouds)
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        S3ProxyFixture fixture = new S3ProxyFixture(folder, context, proxy, bucket);
        try {
            proxy.start();
            fixture.awaitStarted();
            fixture.createBucket(bucket);
            return fixture;
        } catch (Exception | Error e) {
            fixture.close();
            throw e;
        }
    }

    private void awaitStarted() throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start within " + START_TIMEOUT
                        + " (state " + proxy.getState() + ")");
            }
            Thread.sleep(10);
        }
    }

    /** Creates another (empty) bucket, e.g. to isolate one test's objects from another's. */
    public void createBucket(String name) {
        context.getBlobStore().createContainerInLocation(null, name);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    public String bucket() {
        return bucket;
    }

    public String accessKey() {
        return ACCESS_KEY;
    }

    public String secretKey() {
        return SECRET_KEY;
    }

    /** Settings for the bucket with no key prefix and the default part sizes. */
    public S3Settings settings() {
        return settings("");
    }

    /** Settings for the bucket under {@code prefix}, with the default part sizes. */
    public S3Settings settings(String prefix) {
        return new S3Settings(bucket, prefix, REGION, endpoint().toString(), true, ACCESS_KEY, SECRET_KEY, 0, 0);
    }

    /** Stops S3Proxy and removes its folder; safe to call twice. */
    @Override
    public void close() {
        try {
            proxy.stop();
        } catch (Exception e) {
            System.err.println("could not stop S3Proxy: " + e);
        }
        context.close();
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not remove the S3Proxy folder " + folder + ": " + e);
        }
    }
}
