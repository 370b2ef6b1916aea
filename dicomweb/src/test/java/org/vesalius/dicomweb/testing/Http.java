package org.vesalius.dicomweb.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import org.vesalius.dicomweb.http.MediaType;
import org.vesalius.dicomweb.multipart.MultipartPart;
import org.vesalius.dicomweb.multipart.MultipartReader;

/** A java.net.http client for the tests, and helpers to read what the service answers. */
public final class Http {
    public static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private Http() {
    }

    public static HttpResponse<String> post(URI uri, String contentType, byte[] body, String accept)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<InputStream> get(URI uri, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).GET();
        if (accept != null) {
            request.header("Accept", accept);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    /** A part of a WADO-RS response: its headers and the SHA-256 of its content. */
    public record ReceivedPart(String contentType, String contentLocation, long size, String sha256) {
    }

    /** Reads a multipart/related response part by part, digesting each part's content. */
    public static List<ReceivedPart> readParts(HttpResponse<InputStream> response) throws IOException {
        MediaType type = MediaType.parse(response.headers().firstValue("Content-Type").orElseThrow());
        List<ReceivedPart> parts = new ArrayList<>();
        try (InputStream body = response.body()) {
            MultipartReader reader = new MultipartReader(body, type.parameter("boundary").orElseThrow());
            for (MultipartPart part = reader.next(); part != null; part = reader.next()) {
                MessageDigest sha256 = sha256();
                byte[] chunk = new byte[64 * 1024];
                long size = 0;
                for (int n; (n = part.body().read(chunk)) != -1; ) {
                    sha256.update(chunk, 0, n);
                    size += n;
                }
                parts.add(new ReceivedPart(part.contentType().orElse(null), part.header("content-location").orElse(null),
                        size, HexFormat.of().formatHex(sha256.digest())));
            }
        }
        return parts;
    }

    public static String sha256(InputStream in) throws IOException {
        MessageDigest sha256 = sha256();
        byte[] chunk = new byte[64 * 1024];
        for (int n; (n = in.read(chunk)) != -1; ) {
            sha256.update(chunk, 0, n);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
