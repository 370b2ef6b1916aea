package org.vesalius.dimse.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The DICOM TLS listener (PS3.15 Annex B): its port and the key and trust stores of its
 * SSLContext. Passwords stay in this record and are never logged ({@link #toString()} hides them).
 *
 * @param port               the TLS port (2762 is the registered "dicom-tls" port); 0 picks a free one
 * @param keyStore           PKCS#12 (or JKS) file holding our private key and certificate chain
 * @param keyStorePassword   its password (also the key's)
 * @param trustStore         the certificates client certificates are checked against; empty: the JDK's
 * @param trustStorePassword its password
 * @param requireClientAuth  whether every client must present a certificate the trust store vouches for
 */
public record TlsSettings(int port, Path keyStore, String keyStorePassword, Optional<Path> trustStore,
                          String trustStorePassword, boolean requireClientAuth) {

    public TlsSettings {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(trustStore, "trustStore");
        keyStorePassword = keyStorePassword == null ? "" : keyStorePassword;
        trustStorePassword = trustStorePassword == null ? "" : trustStorePassword;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("TLS port out of range: " + port);
        }
        if (requireClientAuth && trustStore.isEmpty()) {
            throw new IllegalArgumentException("requireclientauth needs a truststore holding the accepted client certificates or their CA");
        }
    }

    /** Reads the stores; a clear IOException when one is missing, unreadable or has the wrong password. */
    public SSLContext sslContext() throws IOException {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(load(keyStore, keyStorePassword), keyStorePassword.toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore.isPresent() ? load(trustStore.get(), trustStorePassword) : null);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up DICOM TLS from " + keyStore + ": " + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path file, String password) throws IOException, GeneralSecurityException {
        if (!Files.isReadable(file)) {
            throw new IOException("cannot read the key/trust store " + file);
        }
        try {
            // Recognizes PKCS#12 and JKS by content.
            return KeyStore.getInstance(file.toFile(), password.toCharArray());
        } catch (IOException e) {
            throw new IOException("cannot open the key/trust store " + file + " (wrong password?): " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "TlsSettings[port=" + port + ", keyStore=" + keyStore + ", trustStore=" + trustStore.map(Path::toString).orElse("(JDK default)")
                + ", requireClientAuth=" + requireClientAuth + "]";
    }
}
