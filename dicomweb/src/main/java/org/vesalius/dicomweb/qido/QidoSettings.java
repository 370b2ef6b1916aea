package org.vesalius.dicomweb.qido;

/**
 * Paging of QIDO-RS answers (PS3.18 8.3.4.4).
 *
 * @param defaultLimit results per answer when the request gives no {@code limit}
 * @param maxLimit     the most results one answer holds; a larger {@code limit} is lowered to it,
 *                     and the Warning header tells the client more can be requested
 */
public record QidoSettings(int defaultLimit, int maxLimit) {
    public static final QidoSettings DEFAULTS = new QidoSettings(1000, 1000);

    public QidoSettings {
        if (maxLimit < 1 || defaultLimit < 1 || defaultLimit > maxLimit) {
            throw new IllegalArgumentException("QIDO-RS limits must satisfy 1 <= default (" + defaultLimit
                    + ") <= maximum (" + maxLimit + ")");
        }
    }
}
