package org.vesalius.dimse.access;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which calling AEs may associate, from where, for what (issue 6). An empty list lets any calling
 * AE use every service: the embedded default, allowed only on loopback (the node refuses to listen
 * elsewhere without a list, unless --insecure).
 */
public record CallingAeAllowList(List<CallingAeRule> rules) {
    public static final CallingAeAllowList ANY_CALLER = new CallingAeAllowList(List.of());

    public CallingAeAllowList {
        rules = List.copyOf(rules);
    }

    public boolean isEmpty() {
        return rules.isEmpty();
    }

    /**
     * The services this calling AE may use from this address (the union of its matching entries);
     * empty when it may not associate at all.
     */
    public Set<DimseService> servicesFor(String callingAeTitle, InetAddress address) {
        if (rules.isEmpty()) {
            return EnumSet.allOf(DimseService.class);
        }
        String title = callingAeTitle == null ? "" : callingAeTitle.strip();
        Set<DimseService> granted = EnumSet.noneOf(DimseService.class);
        for (CallingAeRule rule : rules) {
            if (rule.matches(title, address)) {
                granted.addAll(rule.services());
            }
        }
        return granted;
    }
}
