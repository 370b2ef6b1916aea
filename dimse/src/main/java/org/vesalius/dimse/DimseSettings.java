package org.vesalius.dimse;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.vesalius.dimse.access.CallingAeAllowList;
import org.vesalius.dimse.tls.TlsSettings;

/**
 * How the DIMSE server listens and what it allows.
 *
 * @param aeTitle         our (called) AE title; associations addressed to another title are rejected
 * @param bindAddress     the address to listen on ("127.0.0.1", "0.0.0.0", a host name)
 * @param port            the TCP port; 0 picks a free one (tests), see {@code DimseServer#port()}
 * @param maxAssociations associations served at once; further ones are rejected (local limit exceeded)
 * @param maxPduLength    the largest P-DATA PDU we accept (negotiated as our Maximum Length Received)
 * @param idleTimeout     an association silent this long is closed, so dead peers free their slot
 * @param tempFolder      where received objects are spooled before ingest (deleted right after)
 * @param callers         the calling AEs allowed in, from where, for which services; empty: anyone
 * @param tls             a second listener speaking DICOM over TLS, on the same address; empty: none
 */
public record DimseSettings(String aeTitle, String bindAddress, int port, int maxAssociations,
                            int maxPduLength, Duration idleTimeout, Path tempFolder,
                            CallingAeAllowList callers, Optional<TlsSettings> tls) {

    public static final String DEFAULT_AE_TITLE = "VESALIUS";
    public static final int DEFAULT_PORT = 11112;
    public static final int DEFAULT_MAX_ASSOCIATIONS = 64;
    /** DCMTK's largest Maximum Length Received; fewer PDUs per object than PixelMed's 16 KB default. */
    public static final int DEFAULT_MAX_PDU_LENGTH = 131072;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(2);

    public DimseSettings {
        Objects.requireNonNull(aeTitle, "aeTitle");
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(idleTimeout, "idleTimeout");
        Objects.requireNonNull(tempFolder, "tempFolder");
        Objects.requireNonNull(callers, "callers");
        Objects.requireNonNull(tls, "tls");
        if (aeTitle.isBlank() || aeTitle.length() > 16) {
            throw new IllegalArgumentException("an AE title has 1 to 16 characters: '" + aeTitle + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        if (maxAssociations < 1) {
            throw new IllegalArgumentException("maxAssociations must be at least 1");
        }
        if (maxPduLength < 4096) {
            throw new IllegalArgumentException("maxPduLength must be at least 4096");
        }
    }

    /** The defaults of ARCHITECTURE.md on the given address and port, spooling into tempFolder. */
    public static DimseSettings defaults(String bindAddress, int port, Path tempFolder) {
        return new DimseSettings(DEFAULT_AE_TITLE, bindAddress, port, DEFAULT_MAX_ASSOCIATIONS,
                DEFAULT_MAX_PDU_LENGTH, DEFAULT_IDLE_TIMEOUT, tempFolder,
                CallingAeAllowList.ANY_CALLER, Optional.empty());
    }

    public DimseSettings withAeTitle(String newAeTitle) {
        return new DimseSettings(newAeTitle, bindAddress, port, maxAssociations, maxPduLength, idleTimeout, tempFolder,
                callers, tls);
    }

    public DimseSettings withMaxAssociations(int newMaxAssociations) {
        return new DimseSettings(aeTitle, bindAddress, port, newMaxAssociations, maxPduLength, idleTimeout, tempFolder,
                callers, tls);
    }

    public DimseSettings withCallers(CallingAeAllowList newCallers) {
        return new DimseSettings(aeTitle, bindAddress, port, maxAssociations, maxPduLength, idleTimeout, tempFolder,
                newCallers, tls);
    }

    public DimseSettings withTls(Optional<TlsSettings> newTls) {
        return new DimseSettings(aeTitle, bindAddress, port, maxAssociations, maxPduLength, idleTimeout, tempFolder,
                callers, newTls);
    }
}
