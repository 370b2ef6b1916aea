package org.vesalius.server.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.vesalius.dimse.access.CallingAeAllowList;
import org.vesalius.dimse.aes.RemoteAe;
import org.vesalius.dimse.tls.TlsSettings;
import org.vesalius.dicomweb.cors.CorsSettings;
import org.vesalius.dicomweb.qido.QidoSettings;
import org.vesalius.server.api.ApiSettings;
import org.vesalius.server.security.AuthSettings;
import org.vesalius.storage.blob.S3Settings;
import org.vesalius.storage.index.DatabaseSettings;
import org.vesalius.storage.ingest.DuplicatePolicy;
import org.vesalius.storage.ingest.IngestSettings;

/**
 * Everything a server node is configured with, resolved from conf/application.yaml, a --config
 * file, VESALIUS_* environment variables and the launcher's flags (see {@link ConfigLoader}).
 */
public record ServerConfig(
        Path dataDir,
        String httpHost,
        int httpPort,
        String dicomHost,
        int dicomPort,
        int maxAssociations,
        String aeTitle,
        DatabaseSettings database,
        BlobStoreKind blobStore,
        Path blobDir,
        Optional<S3Settings> s3,
        IngestSettings ingest,
        String subjectAttribute,
        boolean insecure,
        AuthSettings auth,
        ApiSettings api,
        QidoSettings qido,
        CorsSettings cors,
        Optional<Path> viewerDir,
        List<RemoteAe> remoteAes,
        CallingAeAllowList dicomCallers,
        Optional<TlsSettings> dicomTls) {

    public enum BlobStoreKind { FILESYSTEM, S3 }

    /** Temp files of this node (received objects before ingest); never anything the archive needs. */
    public Path tempDir() {
        return dataDir.resolve("tmp");
    }

    /** True when both listeners are bound to loopback addresses only (a laptop, a test). */
    public boolean loopbackOnly() {
        return isLoopback(httpHost) && isLoopback(dicomHost);
    }

    /** True for a loopback address (127.0.0.1, ::1, localhost); false for anything else or an unknown name. */
    public static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    static IngestSettings ingestSettings(String duplicates, long maxBytes) {
        return new IngestSettings(DuplicatePolicy.valueOf(duplicates.trim().toUpperCase(java.util.Locale.ROOT)), maxBytes);
    }
}
