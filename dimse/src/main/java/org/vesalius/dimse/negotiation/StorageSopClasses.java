package org.vesalius.dimse.negotiation;

import java.util.Set;

/**
 * Which abstract syntaxes the C-STORE SCP accepts: every standard storage SOP class, present and
 * future, plus Verification (C-ECHO).
 *
 * <p>Why not PixelMed's {@code SOPClass.isImageStorage/isNonImageStorage}: its 2022 list misses
 * about twenty classes defined since (e.g. Enhanced X-Ray Radiation Dose SR, the Protocol Storage
 * classes, Height Map Segmentation). PS3.4 allocates every composite storage SOP class under
 * 1.2.840.10008.5.1.4.1.1, so that arc is accepted as a whole; the few storage classes outside it
 * are listed. Query/retrieve, worklist and other services live outside the arc and are refused.
 */
public final class StorageSopClasses {
    public static final String VERIFICATION = "1.2.840.10008.1.1";
    private static final String STORAGE_ARC = "1.2.840.10008.5.1.4.1.1.";

    /** Standard storage SOP classes outside the storage arc (PS3.4 Annex B.5). */
    private static final Set<String> OUTSIDE_ARC = Set.of(
            "1.2.840.10008.5.1.4.34.7",    // RT Beams Delivery Instruction Storage
            "1.2.840.10008.5.1.4.34.10",   // RT Brachy Application Setup Delivery Instruction Storage
            "1.2.840.10008.5.1.4.38.1",    // Hanging Protocol Storage
            "1.2.840.10008.5.1.4.39.1",    // Color Palette Storage
            "1.2.840.10008.5.1.4.43.1",    // Generic Implant Template Storage
            "1.2.840.10008.5.1.4.44.1",    // Implant Assembly Template Storage
            "1.2.840.10008.5.1.4.45.1");   // Implant Template Group Storage

    private StorageSopClasses() {
    }

    public static boolean isStorage(String sopClassUid) {
        return sopClassUid != null
                && ((sopClassUid.startsWith(STORAGE_ARC) && sopClassUid.length() > STORAGE_ARC.length())
                || OUTSIDE_ARC.contains(sopClassUid));
    }

    public static boolean isAccepted(String abstractSyntaxUid) {
        return VERIFICATION.equals(abstractSyntaxUid) || isStorage(abstractSyntaxUid);
    }
}
