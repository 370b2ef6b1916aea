package org.vesalius.dimse.export;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import org.vesalius.dimse.aes.AeRegistry;
import org.vesalius.dimse.aes.RemoteAe;
import org.vesalius.storage.query.QueryException;

/**
 * Outbound C-STORE on request (the REST export): sends the instances of a study, series or
 * instance to a registered AE over one association, with the same sender C-MOVE uses, and reports
 * the outcome of each instance.
 */
public final class Exporter {
    private static final Logger LOG = System.getLogger(Exporter.class.getName());

    private final String aeTitle;
    private final InstanceResolver resolver;
    private final InstanceSender sender;
    private final AeRegistry registry;
    private final StoreScu.Timeouts timeouts;

    /** @param aeTitle our AE title, the calling AE of the associations */
    public Exporter(String aeTitle, InstanceResolver resolver, InstanceSender sender, AeRegistry registry,
                    StoreScu.Timeouts timeouts) {
        this.aeTitle = aeTitle;
        this.resolver = resolver;
        this.sender = sender;
        this.registry = registry;
        this.timeouts = timeouts;
    }

    /** The AE title given is not in the registry. */
    public static final class UnknownAeException extends Exception {
        UnknownAeException(String aeTitle) {
            super("AE '" + aeTitle + "' is not registered");
        }
    }

    /** What an export did: where to, and each instance's outcome (empty when nothing matched). */
    public record Result(RemoteAe destination, List<StoreOutcome> outcomes) {
        public long failures() {
            return outcomes.stream().filter(StoreOutcome::isFailure).count();
        }
    }

    /**
     * @throws UnknownAeException when the AE is not registered
     * @throws QueryException     when a key is not a valid UID
     * @throws IOException        when the destination cannot be reached or refuses the association
     */
    public Result export(String destinationAeTitle, InstanceResolver.Keys keys)
            throws UnknownAeException, QueryException, IOException {
        RemoteAe destination = registry.find(destinationAeTitle)
                .orElseThrow(() -> new UnknownAeException(destinationAeTitle));
        List<Retrievable> instances = resolver.resolve(keys);
        List<StoreOutcome> outcomes = new ArrayList<>(instances.size());
        if (instances.isEmpty()) {
            return new Result(destination, outcomes);
        }
        try (StoreScu scu = StoreScu.open(aeTitle, destination, instances, timeouts);
             InstanceSender.Session session = sender.session(scu)) {
            for (int i = 0; i < instances.size(); i++) {
                Retrievable instance = instances.get(i);
                try {
                    outcomes.add(session.send(instance, i + 1, null, 0, i + 1 < instances.size() ? instances.get(i + 1) : null));
                } catch (IOException e) {
                    // The association is lost: this and the remaining instances were not sent.
                    LOG.log(Level.WARNING, "export to {0} lost the association: {1}", destination.aeTitle(), e.getMessage());
                    instances.subList(i, instances.size())
                            .forEach(r -> outcomes.add(StoreOutcome.failed(r.sopInstanceUid(), "association lost: " + e.getMessage())));
                    break;
                }
            }
        }
        Result result = new Result(destination, outcomes);
        LOG.log(Level.INFO, "export to {0}: {1} instances, {2} failed", destination.aeTitle(), outcomes.size(),
                result.failures());
        return result;
    }
}
