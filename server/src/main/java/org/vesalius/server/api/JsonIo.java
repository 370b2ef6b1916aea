package org.vesalius.server.api;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonGenerator;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * JSON in and out of the API. Responses are written with a streaming generator straight into the
 * response; request bodies are small objects (a tag, an upload request), read whole up to a cap.
 */
final class JsonIo {
    /** The largest JSON request body: a tag or an upload request is far smaller. */
    private static final int MAX_REQUEST_BYTES = 64 * 1024;

    private JsonIo() {
    }

    /** What a handler writes into the generator of a response. */
    interface Body {
        void write(JsonGenerator json);
    }

    /** Sends {@code status} with the JSON the body writes. */
    static void send(ServerResponse response, int status, Body body) {
        response.status(status);
        response.header(HeaderNames.CONTENT_TYPE, "application/json");
        response.header(HeaderNames.CACHE_CONTROL, "no-store");
        try (OutputStream out = response.outputStream(); JsonGenerator json = jakarta.json.Json.createGenerator(out)) {
            body.write(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sendError(ServerResponse response, int status, String message) {
        send(response, status, json -> json.writeStartObject().write("error", message).writeEnd());
    }

    /** The request body as a JSON object; 415 when it is not declared JSON, 400 when it is not an object. */
    static JsonObject readObject(ServerRequest request) {
        String type = request.headers().first(HeaderNames.CONTENT_TYPE).orElse("");
        if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw ApiException.unsupportedMediaType("the body must be application/json");
        }
        byte[] bytes;
        try (InputStream in = request.content().inputStream()) {
            bytes = in.readNBytes(MAX_REQUEST_BYTES + 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (bytes.length > MAX_REQUEST_BYTES) {
            throw ApiException.tooLarge(MAX_REQUEST_BYTES);
        }
        if (bytes.length == 0) {
            throw ApiException.badRequest("the body is empty; a JSON object is expected");
        }
        try (JsonReader reader = jakarta.json.Json.createReader(new ByteArrayInputStream(bytes))) {
            JsonValue value = reader.readValue();
            if (value.getValueType() != JsonValue.ValueType.OBJECT) {
                throw ApiException.badRequest("the body must be a JSON object");
            }
            return value.asJsonObject();
        } catch (JsonException e) {
            throw ApiException.badRequest("the body is not valid JSON: " + e.getMessage());
        }
    }

    /** A string member, or null when absent or null; 400 when it is there but not a string. */
    static String optionalString(JsonObject object, String name) {
        JsonValue value = object.get(name);
        if (value == null || value.getValueType() == JsonValue.ValueType.NULL) {
            return null;
        }
        if (!(value instanceof JsonString string)) {
            throw ApiException.badRequest("\"" + name + "\" must be a string");
        }
        return string.getString();
    }

    static String requiredString(JsonObject object, String name) {
        String value = optionalString(object, name);
        if (value == null) {
            throw ApiException.badRequest("\"" + name + "\" is required");
        }
        return value;
    }

    static void write(JsonGenerator json, String name, Instant instant) {
        json.write(name, instant.toString());
    }
}
