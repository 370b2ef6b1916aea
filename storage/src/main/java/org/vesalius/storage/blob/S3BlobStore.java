package org.vesalius.storage.blob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.NonRetryableException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * Blobs as objects in an S3 bucket: key {@code a/b/c} is the object {@code prefix + "a/b/c"}.
 *
 * <p>S3 makes an object visible only once its upload completes, so a failed write (including a
 * stream of the wrong length, see {@link ExactLengthInputStream}) never shows. Objects of a known
 * length up to the multipart threshold stream up in one PutObject; larger or unknown-length ones go
 * up as a multipart upload, one part buffer in memory at a time, aborted on any failure.
 *
 * <p>Checksums are sent and checked only where S3 requires them: the archive keeps its own SHA-256
 * of every object, and S3-compatible stores differ in their support of the newer checksum headers.
 */
public final class S3BlobStore implements BlobStore {
    private static final System.Logger LOG = System.getLogger(S3BlobStore.class.getName());

    /** S3 numbers parts 1 to 10000. */
    private static final int MAX_PARTS = 10_000;
    private static final int HTTP_NOT_FOUND = 404;
    private static final int HTTP_RANGE_NOT_SATISFIABLE = 416;
    private static final String OCTET_STREAM = "application/octet-stream";

    private final S3Settings settings;
    private final AwsCredentialsProvider credentials;
    private final S3Client s3;
    private final S3Presigner presigner;

    public S3BlobStore(S3Settings settings) {
        this.settings = settings;
        this.credentials = settings.hasStaticCredentials()
                ? StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(settings.accessKeyId(), settings.secretAccessKey()))
                : DefaultCredentialsProvider.builder().build();
        Region region = Region.of(settings.region());
        var clientBuilder = S3Client.builder()
                .region(region)
                .credentialsProvider(credentials)
                .forcePathStyle(settings.pathStyleAccess())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(ApacheHttpClient.builder());
        var presignerBuilder = S3Presigner.builder()
                .region(region)
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(settings.pathStyleAccess())
                        .build());
        if (settings.endpointOverride() != null) {
            URI endpoint = URI.create(settings.endpointOverride());
            clientBuilder.endpointOverride(endpoint);
            presignerBuilder.endpointOverride(endpoint);
        }
        this.s3 = clientBuilder.build();
        this.presigner = presignerBuilder.build();
    }

    @Override
    public void put(String key, InputStream in, long length) throws IOException {
        String objectKey = objectKey(key);
        try {
            if (length >= 0 && length <= settings.multipartThresholdBytes()) {
                s3.putObject(r -> r.bucket(settings.bucket()).key(objectKey), RequestBody.fromContentProvider(
                        new OneShotBody(new ExactLengthInputStream(in, length)), length, OCTET_STREAM));
                return;
            }
            InputStream source = length >= 0 ? new ExactLengthInputStream(in, length) : in;
            byte[] part = new byte[(int) settings.partSizeBytes()];
            int filled = source.readNBytes(part, 0, part.length);
            if (filled < part.length) {
                // It all fit in the first part (unknown length, or a threshold below the part size):
                // one request is cheaper than the three of a multipart upload.
                s3.putObject(r -> r.bucket(settings.bucket()).key(objectKey), partBody(part, filled));
            } else {
                putMultipart(objectKey, source, part);
            }
        } catch (SdkException e) {
            throw failure("write", key, e);
        }
    }

    /** Uploads {@code part} (already full) and the rest of {@code source} as a multipart upload. */
    private void putMultipart(String objectKey, InputStream source, byte[] part) throws IOException {
        String uploadId = s3.createMultipartUpload(r -> r.bucket(settings.bucket()).key(objectKey)).uploadId();
        try {
            List<CompletedPart> completed = new ArrayList<>();
            int filled = part.length;
            while (filled > 0) {
                int partNumber = completed.size() + 1;
                if (partNumber > MAX_PARTS) {
                    throw new IOException("object is larger than " + MAX_PARTS + " parts of "
                            + part.length + " bytes; raise the S3 part size");
                }
                String eTag = s3.uploadPart(r -> r.bucket(settings.bucket()).key(objectKey)
                                .uploadId(uploadId).partNumber(partNumber), partBody(part, filled)).eTag();
                completed.add(CompletedPart.builder().partNumber(partNumber).eTag(eTag).build());
                filled = source.readNBytes(part, 0, part.length);
            }
            s3.completeMultipartUpload(r -> r.bucket(settings.bucket()).key(objectKey).uploadId(uploadId)
                    .multipartUpload(u -> u.parts(completed)));
        } catch (IOException | RuntimeException e) {
            try {
                s3.abortMultipartUpload(r -> r.bucket(settings.bucket()).key(objectKey).uploadId(uploadId));
            } catch (SdkException abortFailure) {
                // S3 lifecycle rules (AbortIncompleteMultipartUpload) clean up what is left.
                e.addSuppressed(abortFailure);
            }
            throw e;
        }
    }

    /** A body over the buffer that the SDK can re-read on a retry, without copying it. */
    private static RequestBody partBody(byte[] buffer, int length) {
        return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, length), length,
                OCTET_STREAM);
    }

    @Override
    public InputStream open(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            return new AbortOnEarlyClose(s3.getObject(r -> r.bucket(settings.bucket()).key(objectKey)));
        } catch (SdkException e) {
            throw notFoundOrFailure("read", key, e);
        }
    }

    @Override
    public InputStream openRange(String key, long offset, long length) throws IOException {
        if (offset < 0 || length < 0) {
            throw new IllegalArgumentException("negative range: offset " + offset + ", length " + length);
        }
        String objectKey = objectKey(key);
        if (length == 0) {
            // HTTP cannot ask for zero bytes; just make sure the object is there.
            if (size(key).isEmpty()) {
                throw new BlobNotFoundException(key);
            }
            return InputStream.nullInputStream();
        }
        String range = "bytes=" + offset + "-" + (offset + length - 1);
        try {
            return new AbortOnEarlyClose(s3.getObject(r -> r.bucket(settings.bucket()).key(objectKey).range(range)));
        } catch (S3Exception e) {
            if (e.statusCode() == HTTP_RANGE_NOT_SATISFIABLE) {
                return InputStream.nullInputStream();
            }
            throw notFoundOrFailure("read", key, e);
        } catch (SdkException e) {
            throw failure("read", key, e);
        }
    }

    @Override
    public Optional<Long> size(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            return Optional.of(s3.headObject(r -> r.bucket(settings.bucket()).key(objectKey)).contentLength());
        } catch (S3Exception e) {
            if (e.statusCode() == HTTP_NOT_FOUND) {
                return Optional.empty();
            }
            throw failure("inspect", key, e);
        } catch (SdkException e) {
            throw failure("inspect", key, e);
        }
    }

    @Override
    public void delete(String key) throws IOException {
        String objectKey = objectKey(key);
        try {
            // S3 answers 204 for a missing object too.
            s3.deleteObject(r -> r.bucket(settings.bucket()).key(objectKey));
        } catch (SdkException e) {
            throw failure("delete", key, e);
        }
    }

    @Override
    public void forEachKey(String prefix, Consumer<String> consumer) throws IOException {
        KeyRules.requireValidPrefix(prefix);
        String listed = settings.prefix() + prefix;
        try {
            for (S3Object object : s3.listObjectsV2Paginator(r -> r.bucket(settings.bucket()).prefix(listed)).contents()) {
                String key = object.key().substring(settings.prefix().length());
                if (isValidKey(key)) {
                    consumer.accept(key);
                } else {
                    LOG.log(Level.DEBUG, "skipping object {0} in {1}: not a blob key", object.key(), describe());
                }
            }
        } catch (SdkException e) {
            throw new IOException("cannot list " + describe() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void checkHealth() throws IOException {
        try {
            s3.headBucket(r -> r.bucket(settings.bucket()));
        } catch (SdkException e) {
            throw new IOException("S3 bucket " + describe() + " is not reachable: " + e.getMessage(), e);
        }
    }

    /**
     * A URL that lets its holder PUT one object under {@code key} with no credentials of their own,
     * until {@code ttl} has passed (at most 7 days, S3's limit).
     */
    public URL presignPut(String key, Duration ttl) {
        String objectKey = objectKey(key);
        return presigner.presignPutObject(p -> p.signatureDuration(ttl)
                .putObjectRequest(r -> r.bucket(settings.bucket()).key(objectKey))).url();
    }

    @Override
    public String describe() {
        return "s3://" + settings.bucket() + "/" + settings.prefix()
                + (settings.endpointOverride() == null ? "" : " at " + settings.endpointOverride());
    }

    @Override
    public void close() {
        s3.close();
        presigner.close();
        if (credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }

    private String objectKey(String key) {
        return settings.prefix() + KeyRules.requireValidKey(key);
    }

    private static boolean isValidKey(String key) {
        try {
            KeyRules.requireValidKey(key);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private IOException notFoundOrFailure(String action, String key, SdkException e) {
        if (e instanceof S3Exception s3e && s3e.statusCode() == HTTP_NOT_FOUND) {
            return new BlobNotFoundException(key);
        }
        return failure(action, key, e);
    }

    private IOException failure(String action, String key, SdkException e) {
        return new IOException("cannot " + action + " " + key + " in " + describe() + ": " + e.getMessage(), e);
    }

    /**
     * The caller's stream as a request body, streamed without buffering. It cannot be replayed, so
     * when a request fails once its bytes were read, the retry fails at once and carries what broke
     * the first attempt (the SDK would otherwise report only that the stream cannot be reset).
     */
    private static final class OneShotBody implements ContentStreamProvider {
        private final InputStream in;
        private IOException failure;
        private boolean handedOut;

        OneShotBody(InputStream in) {
            this.in = in;
        }

        @Override
        public synchronized InputStream newStream() {
            if (handedOut) {
                throw NonRetryableException.builder()
                        .message("the request body stream cannot be replayed for a retry")
                        .cause(failure)
                        .build();
            }
            handedOut = true;
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    byte[] one = new byte[1];
                    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    try {
                        return in.read(b, off, len);
                    } catch (IOException e) {
                        recordFailure(e);
                        throw e;
                    }
                }
            };
        }

        private synchronized void recordFailure(IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
    }

    /**
     * Closing an S3 response before its end would otherwise drain the rest of the object to reuse
     * the connection; a reader that gives up early (a client gone away) should cost nothing more.
     */
    private static final class AbortOnEarlyClose extends InputStream {
        private final ResponseInputStream<GetObjectResponse> in;
        private boolean ended;

        AbortOnEarlyClose(ResponseInputStream<GetObjectResponse> in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            ended |= b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            ended |= n < 0;
            return n;
        }

        @Override
        public void close() throws IOException {
            if (!ended) {
                in.abort();
            }
            in.close();
        }
    }
}
