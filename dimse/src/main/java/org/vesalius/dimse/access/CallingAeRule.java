package org.vesalius.dimse.access;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.vesalius.dimse.aes.RemoteAe;

/**
 * One entry of the calling-AE allow-list: this AE title, from these addresses, may use these
 * services.
 *
 * @param aeTitle  the calling AE title, compared without leading and trailing spaces (PS3.5 6.2)
 * @param hosts    the addresses it may connect from; empty: any address
 * @param services what it may do; given empty, all of them
 */
public record CallingAeRule(String aeTitle, List<AddressRange> hosts, Set<DimseService> services) {

    public CallingAeRule {
        aeTitle = RemoteAe.checkAeTitle(aeTitle);
        hosts = List.copyOf(hosts);
        services = Set.copyOf(services.isEmpty() ? EnumSet.allOf(DimseService.class) : services);
    }

    boolean matches(String callingAeTitle, InetAddress address) {
        return aeTitle.equals(callingAeTitle) && (hosts.isEmpty() || hosts.stream().anyMatch(h -> h.contains(address)));
    }
}
