package org.vesalius.dimse;

/**
 * A DIMSE response status (PS3.7 Annex C) with the optional Error Comment sent beside a failure.
 *
 * @param code         e.g. 0x0000 success, 0xA700 out of resources, 0xA900 data set does not
 *                     match SOP class, 0xC000 cannot understand
 * @param errorComment why, for the peer's log; null on success
 */
public record DimseStatus(int code, String errorComment) {
    public static final int SUCCESS_CODE = 0x0000;
    public static final int OUT_OF_RESOURCES = 0xA700;
    public static final int DATA_SET_DOES_NOT_MATCH = 0xA900;
    public static final int CANNOT_UNDERSTAND = 0xC000;
    public static final int UNRECOGNIZED_OPERATION = 0x0211;
    /** PS3.7 C.5: "Refused: Not Authorized", the DIMSE-service-user may not invoke this operation. */
    public static final int NOT_AUTHORIZED = 0x0124;

    public static final DimseStatus SUCCESS = new DimseStatus(SUCCESS_CODE, null);

    public static DimseStatus failure(int code, String errorComment) {
        return new DimseStatus(code, errorComment);
    }

    public boolean isSuccess() {
        return code == SUCCESS_CODE;
    }

    @Override
    public String toString() {
        return String.format("%04X", code) + (errorComment == null ? "" : " (" + errorComment + ")");
    }
}
