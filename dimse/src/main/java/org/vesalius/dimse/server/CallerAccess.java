package org.vesalius.dimse.server;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.vesalius.dimse.access.CallingAeAllowList;
import org.vesalius.dimse.access.DimseService;
import org.vesalius.storage.audit.AuditLog;
import org.vesalius.storage.audit.Origin;

/**
 * Applies the calling-AE allow-list to a new association, before PixelMed negotiates it: reads the
 * A-ASSOCIATE-RQ ahead (it is replayed to PixelMed), and either grants the caller its services or
 * answers A-ASSOCIATE-RJ rejected-permanent / service-user / calling-AE-title-not-recognized
 * (PS3.8 9.3.4), logged and audited.
 *
 * <p>Why read ahead: PixelMed's acceptor checks only the called AE title and has no hook for the
 * calling one; its presentation context policy sees the contexts but not who proposes them.
 */
final class CallerAccess {
    private static final Logger LOG = System.getLogger(CallerAccess.class.getName());
    private static final int A_ASSOCIATE_RQ = 0x01;
    /** PDU header, protocol version, reserved, called AE title (PS3.8 Table 9-11): the calling AE title follows. */
    private static final int CALLING_AE_OFFSET = 6 + 2 + 2 + 16;
    private static final int AE_TITLE_LENGTH = 16;
    private static final byte[] CALLING_AE_NOT_RECOGNIZED = {0x03, 0, 0, 0, 0, 4, 0, 1, 1, 3};

    private final CallingAeAllowList allowList;
    private final AuditLog auditLog;

    CallerAccess(CallingAeAllowList allowList, AuditLog auditLog) {
        this.allowList = allowList;
        this.auditLog = auditLog;
    }

    /**
     * The services the caller may use, or empty when its association was rejected here (the
     * A-ASSOCIATE-RJ is sent; the caller closes the socket). A first PDU that is no A-ASSOCIATE-RQ
     * is left to PixelMed to refuse, with nothing granted.
     */
    Optional<Set<DimseService>> admit(GuardedSocket socket) throws IOException {
        InetAddress address = socket.getInetAddress();
        if (allowList.isEmpty()) {
            return Optional.of(allowList.servicesFor(null, address));
        }
        byte[] pdu = socket.readFirstPdu();
        if (pdu.length < CALLING_AE_OFFSET + AE_TITLE_LENGTH || (pdu[0] & 0xFF) != A_ASSOCIATE_RQ) {
            return Optional.of(EnumSet.noneOf(DimseService.class));
        }
        String callingAeTitle = new String(pdu, CALLING_AE_OFFSET, AE_TITLE_LENGTH, StandardCharsets.US_ASCII).strip();
        Set<DimseService> granted = allowList.servicesFor(callingAeTitle, address);
        if (!granted.isEmpty()) {
            return Optional.of(granted);
        }
        String printable = callingAeTitle.replaceAll("[^\\x20-\\x7e]", "?");
        LOG.log(Level.WARNING, "association from {0}@{1} rejected: calling AE title not allowed from this address",
                printable, address.getHostAddress());
        auditLog.record(Origin.dimse(printable, address.getHostAddress()), "ASSOCIATION_REJECTED", "calling AE " + printable,
                AuditLog.Outcome.FAILURE, "A-ASSOCIATE-RJ",
                "rejected-permanent, service-user, calling AE title not recognized (not in dicom.allow for this address)");
        OutputStream out = socket.getOutputStream();
        out.write(CALLING_AE_NOT_RECOGNIZED);
        out.flush();
        return Optional.empty();
    }

    /** A request refused for lack of a grant, on an admitted association: on record. */
    void requestRefused(String callingAeTitle, InetAddress address, String command, String reason) {
        auditLog.record(Origin.dimse(callingAeTitle, address.getHostAddress()), "DIMSE_REFUSED", command,
                AuditLog.Outcome.FAILURE, "0124", reason);
    }
}
