package org.vesalius.dimse.negotiation;

import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationContextSelectionPolicy;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.vesalius.dimse.access.DimseService;

/**
 * Accepts every proposed storage (and verification) presentation context in the first transfer
 * syntax of the proposal we know, so a compressed object is received as it was compressed and
 * stored bit-exact; accepts the query/retrieve contexts (C-FIND, C-MOVE, C-GET) in an uncompressed
 * syntax (their identifiers are small); refuses the rest with the standard reasons.
 *
 * <p>Only the services granted to the calling AE are negotiated (issue 6): a query/retrieve
 * context of a service not granted, or a storage context when neither {@code store} nor
 * {@code get} is (C-GET receives its objects on storage contexts), is refused as "abstract syntax
 * not supported", so the association carries the rest. Verification is always accepted.
 *
 * <p>SCP/SCU role selection items (a C-GET requester offering to be the storage SCP) are answered
 * by PixelMed's acceptor, which returns each proposed item as proposed; the storage contexts they
 * name are accepted here like any other, and C-GET sends its C-STOREs on them.
 *
 * <p>Why: PixelMed's own policies accept only uncompressed syntaxes
 * ({@code UnencapsulatedExplicit...}) or only syntaxes it "recognizes" ({@code AnyExplicit...},
 * no HEVC/HTJ2K/...), and they prefer explicit VR over the sender's order.
 *
 * <p>One instance per association: it remembers what it accepted, because PixelMed's
 * {@code Association.getTransferSyntaxForPresentationContextID} also answers for contexts it
 * refused (it returns their first proposed syntax), so a misbehaving peer could otherwise send on a
 * refused context.
 */
public final class StoragePresentationContextPolicy implements PresentationContextSelectionPolicy {
    // PS3.8 Table 9-18 result/reason values.
    private static final byte ACCEPTANCE = 0;
    private static final byte ABSTRACT_SYNTAX_NOT_SUPPORTED = 3;
    private static final byte TRANSFER_SYNTAXES_NOT_SUPPORTED = 4;

    private final Set<DimseService> granted;
    private final Map<Byte, AcceptedContext> accepted = new ConcurrentHashMap<>();

    /** @param granted the services the calling AE may use */
    public StoragePresentationContextPolicy(Set<DimseService> granted) {
        this.granted = Set.copyOf(granted);
    }

    @Override
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList contexts, int associationNumber) {
        for (Object item : contexts) {
            select((PresentationContext) item);
        }
        return contexts;
    }

    @Override
    public LinkedList applyPresentationContextSelectionPolicy(LinkedList contexts, int associationNumber, int debugLevel) {
        return applyPresentationContextSelectionPolicy(contexts, associationNumber);
    }

    private void select(PresentationContext context) {
        String abstractSyntax = context.getAbstractSyntaxUID() == null ? null : context.getAbstractSyntaxUID().trim();
        boolean queryRetrieve = QueryRetrieveSopClasses.isQueryRetrieve(abstractSyntax);
        if ((!queryRetrieve && !StorageSopClasses.isAccepted(abstractSyntax)) || !isGranted(abstractSyntax)) {
            context.setResultReason(ABSTRACT_SYNTAX_NOT_SUPPORTED);
            return;
        }
        Optional<String> chosen = queryRetrieve ? firstUncompressed(context.getTransferSyntaxUIDs())
                : firstAccepted(context.getTransferSyntaxUIDs());
        // PixelMed answers with the first transfer syntax left in the context, so keep only ours.
        context.newTransferSyntaxUIDs();
        if (chosen.isEmpty()) {
            context.setResultReason(TRANSFER_SYNTAXES_NOT_SUPPORTED);
            return;
        }
        context.addTransferSyntaxUID(chosen.get());
        context.setResultReason(ACCEPTANCE);
        accepted.put(context.getIdentifier(), new AcceptedContext(context.getIdentifier(), abstractSyntax, chosen.get()));
    }

    private boolean isGranted(String abstractSyntax) {
        if (StorageSopClasses.isStorage(abstractSyntax)) {
            return granted.contains(DimseService.STORE) || granted.contains(DimseService.GET);
        }
        return QueryRetrieveSopClasses.service(abstractSyntax).map(granted::contains).orElse(true);
    }

    private static Optional<String> firstAccepted(List<?> proposed) {
        for (Object uid : proposed) {
            if (uid != null && TransferSyntaxes.isAccepted(uid.toString().trim())) {
                return Optional.of(uid.toString().trim());
            }
        }
        return Optional.empty();
    }

    /** Identifiers are decoded by PixelMed: the two little endian syntaxes every peer proposes. */
    private static Optional<String> firstUncompressed(List<?> proposed) {
        for (Object uid : proposed) {
            String syntax = uid == null ? "" : uid.toString().trim();
            if (syntax.equals(TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN) || syntax.equals(TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN)) {
                return Optional.of(syntax);
            }
        }
        return Optional.empty();
    }

    /** The contexts accepted for this abstract syntax (C-GET picks the one for each object's syntax). */
    public List<AcceptedContext> acceptedFor(String abstractSyntaxUid) {
        return accepted.values().stream().filter(c -> c.abstractSyntaxUid().equals(abstractSyntaxUid))
                .sorted(java.util.Comparator.comparingInt(c -> c.id() & 0xFF)).toList();
    }

    /** The context accepted under this ID, or empty when none was (refused or never proposed). */
    public Optional<AcceptedContext> accepted(byte presentationContextId) {
        return Optional.ofNullable(accepted.get(presentationContextId));
    }
}
