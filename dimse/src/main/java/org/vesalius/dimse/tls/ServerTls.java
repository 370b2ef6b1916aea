package org.vesalius.dimse.tls;

import java.io.IOException;
import java.net.Socket;
import java.util.Arrays;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * Turns an accepted TCP connection into the server side of a DICOM TLS connection (PS3.15 B.1
 * and the BCP 195 profiles of B.9 and B.10): TLS 1.2 or 1.3 only, AES-GCM cipher suites with
 * forward secrecy, a client certificate required when configured.
 *
 * <p>Why layer over an accepted socket rather than listen with an SSLServerSocket: the handshake
 * then runs on the association's own thread at its first read (a slow or silent client holds
 * only its own slot, under the association's idle timeout), never on the accepting thread.
 */
public final class ServerTls {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private final SSLSocketFactory factory;
    private final String[] cipherSuites;
    private final boolean requireClientAuth;

    public ServerTls(TlsSettings settings) throws IOException {
        this.factory = settings.sslContext().getSocketFactory();
        this.cipherSuites = Arrays.stream(factory.getDefaultCipherSuites()).filter(ServerTls::isProfileSuite).toArray(String[]::new);
        this.requireClientAuth = settings.requireClientAuth();
    }

    /** TLS 1.3's AES suites, and TLS 1.2's (EC)DHE suites with AES-GCM. */
    private static boolean isProfileSuite(String suite) {
        return suite.startsWith("TLS_AES_")
                || (suite.startsWith("TLS_ECDHE_") || suite.startsWith("TLS_DHE_")) && suite.contains("_WITH_AES_") && suite.contains("_GCM_");
    }

    /** The server side of TLS over this connection; the handshake happens at the first read or write. */
    public Socket layer(Socket accepted) throws IOException {
        SSLSocket tls = (SSLSocket) factory.createSocket(accepted, null, true);
        tls.setUseClientMode(false);
        tls.setEnabledProtocols(PROTOCOLS);
        tls.setEnabledCipherSuites(cipherSuites);
        tls.setNeedClientAuth(requireClientAuth);
        return tls;
    }
}
