package org.vesalius.dimse.export;

/**
 * How one C-STORE sub-operation ended: the peer's status (0000 success, Bxxx warning, anything
 * else failure) or a local failure (no suitable presentation context, unreadable blob, lost
 * association) reported as 0xA702-like failure with its reason.
 */
public record StoreOutcome(String sopInstanceUid, int status, String reason) {
    /** Our own failures: no peer status exists for them (PS3.4 "Unable to perform sub-operations"). */
    public static final int LOCAL_FAILURE = 0xA702;

    public static StoreOutcome failed(String sopInstanceUid, String reason) {
        return new StoreOutcome(sopInstanceUid, LOCAL_FAILURE, reason);
    }

    public boolean isSuccess() {
        return status == 0x0000;
    }

    /** PS3.7 C.1.2: Bxxx statuses are warnings (coerced, elements discarded, ...): stored nonetheless. */
    public boolean isWarning() {
        return (status & 0xF000) == 0xB000;
    }

    public boolean isFailure() {
        return !isSuccess() && !isWarning();
    }
}
