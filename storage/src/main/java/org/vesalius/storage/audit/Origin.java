package org.vesalius.storage.audit;

/**
 * Who a request or association acts for (invariant 6): a DIMSE peer (calling AE title and
 * address) or an HTTP principal (token subject, or "anonymous" without sign-in).
 */
public record Origin(Kind kind, String name, String address) {

    public enum Kind { DIMSE, HTTP, CLI }

    public static Origin dimse(String callingAeTitle, String address) {
        return new Origin(Kind.DIMSE, callingAeTitle, address);
    }

    public static Origin http(String principal, String address) {
        return new Origin(Kind.HTTP, principal, address);
    }

    public static Origin cli(String user) {
        return new Origin(Kind.CLI, user, null);
    }
}
