package org.vesalius.server.config;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vesalius.server.api.ApiSettings;
import org.vesalius.server.security.AuthSettings;
import org.vesalius.dicomweb.cors.CorsSettings;
import org.vesalius.dicomweb.qido.QidoSettings;
import org.vesalius.dimse.access.AddressRange;
import org.vesalius.dimse.access.CallingAeAllowList;
import org.vesalius.dimse.access.CallingAeRule;
import org.vesalius.dimse.access.DimseService;
import org.vesalius.dimse.aes.RemoteAe;
import org.vesalius.dimse.tls.TlsSettings;
import org.vesalius.storage.blob.S3Settings;
import org.vesalius.storage.index.DatabaseSettings;

/**
 * Resolves the {@link ServerConfig}, highest precedence first: the launcher's flags, VESALIUS_*
 * environment variables (VESALIUS_HTTP_PORT is vesalius.http.port), the --config file, and the
 * defaults in conf/application.yaml (packaged in the server jar).
 */
public final class ConfigLoader {
    private ConfigLoader() {
    }

    /**
     * @param flagOverrides config keys set by command-line flags (e.g. "vesalius.http.port" -> "9090")
     * @param configFile    the --config file, or null
     * @param environment   the process environment (a parameter so tests can give their own)
     */
    public static ServerConfig load(Map<String, String> flagOverrides, Path configFile, Map<String, String> environment) {
        Config.Builder builder = Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .addSource(ConfigSources.create(flagOverrides))
                .addSource(ConfigSources.create(fromEnvironment(environment)));
        if (configFile != null) {
            if (!Files.isReadable(configFile)) {
                throw new IllegalArgumentException("cannot read the configuration file " + configFile);
            }
            builder.addSource(ConfigSources.file(configFile));
        }
        builder.addSource(ConfigSources.classpath("application.yaml"));
        Config root = builder.build().get("vesalius");
        return toServerConfig(root);
    }

    /** VESALIUS_BLOB_S3_BUCKET becomes vesalius.blob.s3.bucket; other variables are ignored. */
    static Map<String, String> fromEnvironment(Map<String, String> environment) {
        Map<String, String> keys = new java.util.HashMap<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("VESALIUS_")) {
                keys.put(name.toLowerCase(java.util.Locale.ROOT).replace('_', '.'), value);
            }
        });
        return keys;
    }

    /** The remote AEs known from configuration: a list of {title, host, port, tls}. */
    private static List<RemoteAe> remoteAes(Config list) {
        return list.asNodeList().orElse(List.of()).stream()
                .map(ae -> new RemoteAe(ae.get("title").asString().get(), ae.get("host").asString().get(),
                        ae.get("port").asInt().get(), ae.get("tls").asBoolean().orElse(false)))
                .toList();
    }

    /** The calling-AE allow-list: a list of {aet, hosts: [IP or CIDR], services: [store, find, move, get]}. */
    private static CallingAeAllowList dicomCallers(Config list) {
        return new CallingAeAllowList(list.asNodeList().orElse(List.of()).stream()
                .map(rule -> new CallingAeRule(rule.get("aet").asString().get(),
                        rule.get("hosts").asList(String.class).orElse(List.of()).stream().map(AddressRange::parse).toList(),
                        rule.get("services").asList(String.class).orElse(List.of()).stream().map(DimseService::parse)
                                .collect(java.util.stream.Collectors.toSet())))
                .toList());
    }

    /** DICOM TLS, when dicom.tls.port is set (> 0). */
    private static Optional<TlsSettings> dicomTls(Config tls) {
        int port = tls.get("port").asInt().orElse(0);
        if (port <= 0) {
            return Optional.empty();
        }
        String keyStore = tls.get("keystore").asString().orElse("");
        if (keyStore.isBlank()) {
            throw new IllegalArgumentException("dicom.tls.port is set but dicom.tls.keystore is not");
        }
        String trustStore = tls.get("truststore").asString().orElse("");
        return Optional.of(new TlsSettings(port, Path.of(keyStore), tls.get("keystorepassword").asString().orElse(""),
                trustStore.isBlank() ? Optional.empty() : Optional.of(Path.of(trustStore)),
                tls.get("truststorepassword").asString().orElse(""),
                tls.get("requireclientauth").asBoolean().orElse(false)));
    }

    private static ServerConfig toServerConfig(Config c) {
        Path dataDir = Path.of(c.get("data.dir").asString().orElse("./data"));
        String httpHost = c.get("http.host").asString().orElse("127.0.0.1");
        String dicomHost = c.get("dicom.host").asString().filter(s -> !s.isBlank()).orElse(httpHost);
        String indexUrl = c.get("index.url").asString().orElse("");
        DatabaseSettings database = indexUrl.isBlank()
                ? DatabaseSettings.embeddedH2(dataDir)
                : new DatabaseSettings(indexUrl, c.get("index.user").asString().orElse(""),
                        c.get("index.password").asString().orElse(""), c.get("index.pool").asInt().orElse(16));
        String blobDir = c.get("blob.dir").asString().orElse("");
        ServerConfig.BlobStoreKind blobStore = ServerConfig.BlobStoreKind.valueOf(
                c.get("blob.store").asString().orElse("filesystem").trim().toUpperCase(java.util.Locale.ROOT));
        Config s3 = c.get("blob.s3");
        // S3 settings validate themselves (a bucket is required), so they exist only in S3 mode.
        Optional<S3Settings> s3Settings = blobStore != ServerConfig.BlobStoreKind.S3 ? Optional.empty()
                : Optional.of(new S3Settings(
                        s3.get("bucket").asString().orElse(""),
                        s3.get("prefix").asString().orElse(""),
                        s3.get("region").asString().orElse("us-east-1"),
                        s3.get("endpoint").asString().orElse(""),
                        s3.get("pathstyle").asBoolean().orElse(false),
                        s3.get("accesskey").asString().orElse(""),
                        s3.get("secretkey").asString().orElse(""),
                        0,
                        0));
        return new ServerConfig(
                dataDir,
                httpHost,
                c.get("http.port").asInt().orElse(8080),
                dicomHost,
                c.get("dicom.port").asInt().orElse(11112),
                c.get("dicom.associations").asInt().orElse(64),
                c.get("aet").asString().orElse("VESALIUS"),
                database,
                blobStore,
                blobDir.isBlank() ? dataDir.resolve("blobs") : Path.of(blobDir),
                s3Settings,
                ServerConfig.ingestSettings(c.get("ingest.duplicates").asString().orElse("replace"),
                        c.get("ingest.maxbytes").asLong().orElse(8L << 30)),
                c.get("ingest.subject").asString().orElse("PatientID"),
                c.get("insecure").asBoolean().orElse(false),
                AuthSettings.of(c.get("auth.mode").asString().orElse("none"), c.get("auth.issuer").asString().orElse(""),
                        c.get("auth.audience").asString().orElse(""), c.get("auth.clientid").asString().orElse(""),
                        c.get("auth.clockskew").asString().orElse("")),
                ApiSettings.of(c.get("api.subjectmismatch").asString().orElse("report"),
                        c.get("api.uploadttl").asString().orElse("PT1H")),
                new QidoSettings(c.get("dicomweb.qido.limit").asInt().orElse(1000),
                        c.get("dicomweb.qido.maxlimit").asInt().orElse(1000)),
                c.get("dicomweb.cors.origins").asString().map(CorsSettings::parse).orElse(CorsSettings.LOOPBACK),
                // The OHIF build is served only when asked for (--viewer): it is built separately.
                c.get("viewer.enabled").asBoolean().orElse(false)
                        ? Optional.of(Path.of(c.get("viewer.dir").asString().orElse("./viewer"))) : Optional.empty(),
                remoteAes(c.get("aes")),
                dicomCallers(c.get("dicom.allow")),
                dicomTls(c.get("dicom.tls")));
    }
}
