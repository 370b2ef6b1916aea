package org.vesalius.dicomweb.testing;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Runs a {@link DicomWebServer} in a JVM of its own, so a test can give the server a heap smaller
 * than what it uploads. Prints {@code PORT n} once listening; stops when its standard input closes.
 */
public final class DicomWebServerMain {
    private DicomWebServerMain() {
    }

    public static void main(String[] args) throws IOException {
        try (DicomWebServer server = new DicomWebServer(Path.of(args[0]))) {
            System.out.println("PORT " + server.port());
            System.out.flush();
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
    }
}
