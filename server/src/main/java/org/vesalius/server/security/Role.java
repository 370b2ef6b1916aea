package org.vesalius.server.security;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a signed-in user may do. Each role includes the ones before it: an admin is also a writer,
 * a writer also a reader. The names are the role names in the identity provider.
 */
public enum Role {
    /** QIDO-RS, WADO-RS, rendered images, downloads, search. */
    READER,
    /** STOW-RS, uploads, tags, annotations, conversion. */
    WRITER,
    /** Deletes of studies and instances, the AE registry, the audit trail, reconcile. */
    ADMIN;

    public String roleName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The role itself and every role it includes. */
    public Set<Role> withIncluded() {
        return EnumSet.range(READER, this);
    }

    public static Optional<Role> ofRoleName(String name) {
        for (Role role : values()) {
            if (role.roleName().equals(name)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
