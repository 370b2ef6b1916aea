package org.vesalius.dimse.export;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vesalius.dimse.message.CommandSet;
import org.vesalius.dimse.message.Message;
import org.vesalius.dimse.message.PDataWriter;
import org.vesalius.dimse.negotiation.AcceptedContext;
import org.vesalius.dimse.negotiation.TransferSyntaxes;
import org.vesalius.storage.blob.BlobNotFoundException;
import org.vesalius.storage.blob.BlobStore;

/**
 * Sends stored instances as C-STORE sub-operations on a {@link StoreChannel}, one after the other
 * through a {@link Session}: on a context of its stored transfer syntax an instance's data set
 * bytes go exactly as stored (after the File Meta Information); on an Explicit or Implicit VR
 * Little Endian fallback context PixelMed reads the object (decompressing its pixel data when
 * compressed) and writes it in that syntax. The fallback holds that one object in memory
 * (PixelMed decodes whole objects); the bit-exact path holds at most {@value #READ_AHEAD_BYTES}
 * bytes of it.
 */
public final class InstanceSender {
    private static final Logger LOG = System.getLogger(InstanceSender.class.getName());
    private static final Set<String> UNCOMPRESSED = Set.of(TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntaxes.EXPLICIT_VR_BIG_ENDIAN,
            "1.2.840.10008.1.2.1.99");
    private static final int BUFFER_BYTES = 64 * 1024;
    /** How much of the next instance is read while the peer stores the current one: most objects whole. */
    static final int READ_AHEAD_BYTES = 256 * 1024;

    private final BlobStore blobs;

    public InstanceSender(BlobStore blobs) {
        this.blobs = blobs;
    }

    /** The uncompressed syntaxes every peer accepts: proposed, and used, when the stored one is refused. */
    public static List<String> fallbackSyntaxes() {
        return List.of(TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN);
    }

    /** Starts sending on {@code channel}; close the session when done (it may hold the next blob open). */
    public Session session(StoreChannel channel) {
        return new Session(channel);
    }

    /**
     * The C-STOREs of one retrieve or export on one channel. While the peer stores an instance,
     * the next one's blob is opened and read ahead (its first {@value #READ_AHEAD_BYTES} bytes), so
     * the file system's part of each sub-operation is off the wait: sub-operations are strictly one
     * after the other (we negotiate no asynchronous operations).
     */
    public final class Session implements AutoCloseable {
        private final StoreChannel channel;
        private final byte[] readAhead = new byte[READ_AHEAD_BYTES];
        private Retrievable preparedFor;
        private StoredObject prepared;
        private IOException preparationFailure;

        private Session(StoreChannel channel) {
            this.channel = channel;
        }

        /**
         * Sends {@code instance} and waits for the peer's response, reading {@code next} (null if
         * none) meanwhile. Problems of this instance (no suitable context, unreadable or
         * undecodable blob) are a failed outcome; an IOException means the association is lost and
         * no further instance can be sent on it.
         */
        public StoreOutcome send(Retrievable instance, int messageId, String moveOriginatorAeTitle,
                                 int moveOriginatorMessageId, Retrievable next) throws IOException {
            List<AcceptedContext> accepted = channel.acceptedFor(instance.sopClassUid());
            Optional<AcceptedContext> exact = exactContext(instance);
            Optional<AcceptedContext> context = exact.or(() -> fallbackSyntaxes().stream()
                    .flatMap(ts -> accepted.stream().filter(c -> c.transferSyntaxUid().equals(ts))).findFirst());
            if (context.isEmpty()) {
                discardPrepared();
                return StoreOutcome.failed(instance.sopInstanceUid(), "the peer accepted no presentation context for "
                        + instance.sopClassUid() + " in " + instance.transferSyntaxUid() + " or uncompressed");
            }
            byte[] command;
            try {
                command = CommandSet.storeRequest(instance.sopClassUid(), instance.sopInstanceUid(), messageId,
                        moveOriginatorAeTitle, moveOriginatorMessageId);
            } catch (DicomException e) {
                throw new IOException("cannot encode a C-STORE request", e);
            }
            if (exact.isPresent()) {
                // The blob is opened and its head read before the command goes out, so a missing
                // or unreadable blob fails this instance only.
                StoredObject stored;
                try {
                    stored = takePrepared(instance);
                } catch (BlobNotFoundException e) {
                    return StoreOutcome.failed(instance.sopInstanceUid(), "stored object missing: " + e.getMessage());
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "cannot read stored object {0}: {1}", instance.sopInstanceUid(), e.toString());
                    return StoreOutcome.failed(instance.sopInstanceUid(), "stored object unreadable: " + e.getMessage());
                }
                try (stored) {
                    PDataWriter.DataSetStream out = channel.send(context.get().id(), command);
                    stored.transferDataSetTo(out);
                    // Not closed on a failure: that would end a truncated data set as if complete.
                    out.close();
                }
            } else {
                discardPrepared();
                AttributeList transcoded;
                try {
                    transcoded = readForTranscoding(instance);
                } catch (IOException | DicomException | RuntimeException e) {
                    LOG.log(Level.WARNING, "cannot convert {0} from {1} to {2}: {3}", instance.sopInstanceUid(),
                            instance.transferSyntaxUid(), context.get().transferSyntaxUid(), e.toString());
                    return StoreOutcome.failed(instance.sopInstanceUid(), "cannot convert from "
                            + instance.transferSyntaxUid() + " to " + context.get().transferSyntaxUid() + ": " + e.getMessage());
                }
                sendTranscoded(transcoded, context.get(), command);
            }
            if (next != null && exactContext(next).isPresent()) {
                prepare(next);
            }
            Message response = channel.awaitStoreResponse(messageId);
            return new StoreOutcome(instance.sopInstanceUid(), response.status(), response.errorComment());
        }

        private Optional<AcceptedContext> exactContext(Retrievable instance) {
            return channel.acceptedFor(instance.sopClassUid()).stream()
                    .filter(c -> c.transferSyntaxUid().equals(instance.transferSyntaxUid())).findFirst();
        }

        private void sendTranscoded(AttributeList transcoded, AcceptedContext context, byte[] command) throws IOException {
            PDataWriter.DataSetStream out = channel.send(context.id(), command);
            try {
                // Not AttributeList.write(OutputStream, ...): it closes the stream, and a second
                // close here would send one more (empty) last fragment, which aborts the association.
                DicomOutputStream dicomOut = new DicomOutputStream(new BufferedOutputStream(out, BUFFER_BYTES), null,
                        context.transferSyntaxUid());
                transcoded.write(dicomOut);
                dicomOut.flush();
            } catch (DicomException e) {
                throw new IOException("cannot write the converted data set", e);
            }
            out.close();
        }

        /** Opens and reads ahead the blob of the instance to send next; a failure is kept for its turn. */
        private void prepare(Retrievable instance) {
            preparedFor = instance;
            try {
                prepared = StoredObject.open(blobs, instance.blobKey(), readAhead);
            } catch (IOException e) {
                preparationFailure = e;
            }
        }

        /** The blob of {@code instance}: the one read ahead, or opened now. */
        private StoredObject takePrepared(Retrievable instance) throws IOException {
            if (preparedFor != instance) {
                discardPrepared();
                return StoredObject.open(blobs, instance.blobKey(), readAhead);
            }
            StoredObject stored = prepared;
            IOException failure = preparationFailure;
            preparedFor = null;
            prepared = null;
            preparationFailure = null;
            if (failure != null) {
                throw failure;
            }
            return stored;
        }

        private void discardPrepared() {
            if (prepared != null) {
                try {
                    prepared.close();
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "closing a blob read ahead: {0}", e.getMessage());
                }
            }
            preparedFor = null;
            prepared = null;
            preparationFailure = null;
        }

        /** Closes the blob read ahead for an instance that will not be sent (cancel, lost association). */
        @Override
        public void close() {
            discardPrepared();
        }
    }

    private AttributeList readForTranscoding(Retrievable instance) throws IOException, DicomException {
        try (DicomInputStream in = new DicomInputStream(new BufferedInputStream(blobs.open(instance.blobKey()), BUFFER_BYTES))) {
            AttributeList list = new AttributeList();
            boolean compressed = !UNCOMPRESSED.contains(instance.transferSyntaxUid());
            list.setDecompressPixelData(compressed);
            list.read(in);
            list.removeGroupLengthAttributes();
            list.removeMetaInformationHeaderAttributes();
            if (compressed) {
                list.correctDecompressedImagePixelModule();
                list.insertLossyImageCompressionHistoryIfDecompressed();
            }
            return list;
        }
    }
}
