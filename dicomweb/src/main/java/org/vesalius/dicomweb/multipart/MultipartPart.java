package org.vesalius.dicomweb.multipart;

import java.io.InputStream;
import java.util.Map;
import java.util.Optional;

/**
 * One body part as it is read: its headers and a stream of its content. The stream is valid until
 * the reader moves to the next part.
 *
 * @param number  1 for the first part
 * @param headers header names in lower case; empty when the part has none (RFC 2046 5.1.1: its
 *                content type is then the multipart's {@code type} parameter)
 */
public record MultipartPart(int number, Map<String, String> headers, InputStream body) {

    public Optional<String> header(String lowerCaseName) {
        return Optional.ofNullable(headers.get(lowerCaseName));
    }

    public Optional<String> contentType() {
        return header("content-type");
    }
}
