package org.vesalius.storage.blob;

/**
 * Where and how to reach an S3 bucket (AWS or any S3-compatible store: MinIO, Ceph, S3Proxy).
 *
 * @param bucket                  the bucket; it must exist
 * @param prefix                  put before every key, e.g. {@code "vesalius/"} to share a bucket;
 *                                "" (or null) for none; a missing trailing '/' is added
 * @param region                  the signing region; null or blank for {@value #DEFAULT_REGION}
 * @param endpointOverride        e.g. {@code "http://minio:9000"}; null or blank for AWS itself
 * @param pathStyleAccess         {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
 *                                (most S3-compatible stores want this)
 * @param accessKeyId             used with secretAccessKey when both are given; otherwise the AWS
 *                                default provider chain (environment, profile, instance role...)
 * @param secretAccessKey         never printed
 * @param multipartThresholdBytes objects of a known length up to this go up in one request, larger
 *                                ones in parts; 0 for {@value #DEFAULT_MULTIPART_THRESHOLD} bytes
 * @param partSizeBytes           the size of each part but the last (S3 wants at least 5 MiB); one
 *                                part is buffered in memory per upload; 0 for
 *                                {@value #DEFAULT_PART_SIZE} bytes
 */
public record S3Settings(String bucket, String prefix, String region, String endpointOverride,
                         boolean pathStyleAccess, String accessKeyId, String secretAccessKey,
                         long multipartThresholdBytes, long partSizeBytes) {

    public static final String DEFAULT_REGION = "us-east-1";
    public static final long DEFAULT_PART_SIZE = 8L * 1024 * 1024;
    public static final long DEFAULT_MULTIPART_THRESHOLD = 16L * 1024 * 1024;
    /** S3's smallest part but the last. */
    public static final long MIN_PART_SIZE = 5L * 1024 * 1024;
    /** A part is held in one byte array, so keep it well inside what an array and a heap can take. */
    public static final long MAX_PART_SIZE = 512L * 1024 * 1024;

    public S3Settings {
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("S3 bucket is not set");
        }
        prefix = prefix == null ? "" : prefix;
        if (!prefix.isEmpty() && !prefix.endsWith("/")) {
            prefix = prefix + "/";
        }
        KeyRules.requireValidPrefix(prefix);
        region = region == null || region.isBlank() ? DEFAULT_REGION : region;
        endpointOverride = endpointOverride == null || endpointOverride.isBlank() ? null : endpointOverride;
        if (multipartThresholdBytes < 0) {
            throw new IllegalArgumentException("negative S3 multipart threshold " + multipartThresholdBytes);
        }
        multipartThresholdBytes = multipartThresholdBytes == 0 ? DEFAULT_MULTIPART_THRESHOLD : multipartThresholdBytes;
        partSizeBytes = partSizeBytes == 0 ? DEFAULT_PART_SIZE : partSizeBytes;
        if (partSizeBytes < MIN_PART_SIZE || partSizeBytes > MAX_PART_SIZE) {
            throw new IllegalArgumentException("S3 part size " + partSizeBytes + " is outside ["
                    + MIN_PART_SIZE + ", " + MAX_PART_SIZE + "]");
        }
    }

    /** Whether this names its own credentials rather than using the default provider chain. */
    public boolean hasStaticCredentials() {
        return accessKeyId != null && !accessKeyId.isBlank()
                && secretAccessKey != null && !secretAccessKey.isBlank();
    }

    @Override
    public String toString() {
        return "S3Settings[bucket=" + bucket + ", prefix=" + prefix + ", region=" + region
                + ", endpointOverride=" + endpointOverride + ", pathStyleAccess=" + pathStyleAccess
                + ", accessKeyId=" + accessKeyId + ", secretAccessKey=" + (secretAccessKey == null ? null : "***")
                + ", multipartThresholdBytes=" + multipartThresholdBytes + ", partSizeBytes=" + partSizeBytes + "]";
    }
}
