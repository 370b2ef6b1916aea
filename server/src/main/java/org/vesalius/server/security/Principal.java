package org.vesalius.server.security;

import java.util.EnumSet;
import java.util.Set;

/**
 * Who a request acts for: the token's subject, a readable name (preferred_username or name) and
 * the roles the token grants, included ones already added ({@link Role#withIncluded()}).
 *
 * <p>It is a {@link java.security.Principal} so that modules that cannot see this class (DICOMweb)
 * find it in the request context by that JDK type; see {@link Principals}.
 */
public record Principal(String subject, String displayName, Set<Role> roles) implements java.security.Principal {

    public static final String ANONYMOUS_NAME = "anonymous";

    /** Nobody signed in: a request to an open route, or one refused before its principal was known. */
    public static final Principal ANONYMOUS = new Principal(ANONYMOUS_NAME, ANONYMOUS_NAME, Set.of());

    /** Without sign-in ({@code auth.mode: none}, loopback or --insecure only): allowed everything. */
    public static final Principal ANONYMOUS_UNRESTRICTED = new Principal(ANONYMOUS_NAME, ANONYMOUS_NAME,
            EnumSet.allOf(Role.class));

    public Principal {
        roles = Set.copyOf(roles);
    }

    public boolean has(Role role) {
        return roles.contains(role);
    }

    /**
     * The name recorded in the audit trail and in {@code created_by}: "alice (f81d4fae-…)", i.e. the
     * readable name with the subject, which stays the same when a user is renamed; just the subject
     * when the token carries no other name.
     */
    @Override
    public String getName() {
        return displayName.equals(subject) ? subject : displayName + " (" + subject + ")";
    }
}
