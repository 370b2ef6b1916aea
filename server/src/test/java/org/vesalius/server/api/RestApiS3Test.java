package org.vesalius.server.api;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.vesalius.server.VesaliusNode;
import org.vesalius.storage.testing.S3ProxyFixture;

/** The REST API on S3 (S3Proxy): staged uploads go straight to the bucket through presigned URLs. */
class RestApiS3Test extends RestApiContract {
    @TempDir
    static Path temp;
    static S3ProxyFixture s3;
    static VesaliusNode node;

    @BeforeAll
    static void startNode() throws Exception {
        s3 = S3ProxyFixture.start();
        node = RestApiFileSystemTest.start(temp.resolve("data"), Map.of(
                "vesalius.blob.store", "s3",
                "vesalius.blob.s3.bucket", s3.bucket(),
                "vesalius.blob.s3.endpoint", s3.endpoint().toString(),
                "vesalius.blob.s3.pathstyle", "true",
                "vesalius.blob.s3.accesskey", s3.accessKey(),
                "vesalius.blob.s3.secretkey", s3.secretKey()));
    }

    @AfterAll
    static void stop() throws Exception {
        node.close();
        s3.close();
    }

    @Override
    VesaliusNode node() {
        return node;
    }

    @Override
    Path temp() {
        return temp;
    }
}
