package org.vesalius.dimse.export;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.vesalius.dimse.message.CommandSet;
import org.vesalius.dimse.message.Message;
import org.vesalius.dimse.negotiation.AcceptedContext;
import org.vesalius.dimse.negotiation.TransferSyntaxes;
import org.vesalius.storage.blob.BlobStore;

/**
 * Sends one stored instance as a C-STORE sub-operation on a {@link StoreChannel}: on a context of
 * its stored transfer syntax the data set bytes stream from the blob store exactly as stored
 * (after the File Meta Information); on an Explicit or Implicit VR Little Endian fallback context
 * PixelMed reads the object (decompressing its pixel data when compressed) and writes it in that
 * syntax. The fallback holds that one object in memory (PixelMed decodes whole objects); the
 * bit-exact path never does.
 */
public final class InstanceSender {
    private static final Logger LOG = System.getLogger(InstanceSender.class.getName());
    private static final Set<String> UNCOMPRESSED = Set.of(TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN,
            TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntaxes.EXPLICIT_VR_BIG_ENDIAN,
            "1.2.840.10008.1.2.1.99");
    private static final int BUFFER_BYTES = 64 * 1024;

    private final BlobStore blobs;

    public InstanceSender(BlobStore blobs) {
        this.blobs = blobs;
    }

    /** The uncompressed syntaxes every peer accepts: proposed, and used, when the stored one is refused. */
    public static List<String> fallbackSyntaxes() {
        return List.of(TransferSyntaxes.EXPLICIT_VR_LITTLE_ENDIAN, TransferSyntaxes.IMPLICIT_VR_LITTLE_ENDIAN);
    }

    /**
     * Sends {@code instance} and waits for the peer's response. Problems of this instance (no
     * suitable context, unreadable or undecodable blob) are a failed outcome; an IOException means
     * the association is lost and no further instance can be sent on it.
     */
    public StoreOutcome send(StoreChannel channel, Retrievable instance, int messageId, String moveOriginatorAeTitle,
                             int moveOriginatorMessageId) throws IOException {
        List<AcceptedContext> accepted = channel.acceptedFor(instance.sopClassUid());
        Optional<AcceptedContext> exact = accepted.stream()
                .filter(c -> c.transferSyntaxUid().equals(instance.transferSyntaxUid())).findFirst();
        Optional<AcceptedContext> context = exact.or(() -> fallbackSyntaxes().stream()
                .flatMap(ts -> accepted.stream().filter(c -> c.transferSyntaxUid().equals(ts))).findFirst());
        if (context.isEmpty()) {
            return StoreOutcome.failed(instance.sopInstanceUid(), "the peer accepted no presentation context for "
                    + instance.sopClassUid() + " in " + instance.transferSyntaxUid() + " or uncompressed");
        }
        AttributeList transcoded = null;
        if (exact.isEmpty()) {
            try {
                transcoded = readForTranscoding(instance);
            } catch (IOException | DicomException | RuntimeException e) {
                LOG.log(Level.WARNING, "cannot convert {0} from {1} to {2}: {3}", instance.sopInstanceUid(),
                        instance.transferSyntaxUid(), context.get().transferSyntaxUid(), e.toString());
                return StoreOutcome.failed(instance.sopInstanceUid(), "cannot convert from " + instance.transferSyntaxUid()
                        + " to " + context.get().transferSyntaxUid() + ": " + e.getMessage());
            }
        }
        byte id = context.get().id();
        byte[] command;
        try {
            command = CommandSet.storeRequest(instance.sopClassUid(), instance.sopInstanceUid(), messageId,
                    moveOriginatorAeTitle, moveOriginatorMessageId);
        } catch (DicomException e) {
            throw new IOException("cannot encode a C-STORE request", e);
        }
        // Open the blob before the command goes out, so a missing blob fails this instance only.
        try (InputStream blob = transcoded == null ? openDataSet(instance) : null) {
            channel.sendCommand(id, command);
            try (OutputStream out = channel.dataSetStream(id)) {
                if (transcoded == null) {
                    blob.transferTo(out);
                } else {
                    // Not AttributeList.write(OutputStream, ...): it closes the stream, and a second
                    // close here would send one more (empty) last fragment, which aborts the association.
                    DicomOutputStream dicomOut = new DicomOutputStream(new BufferedOutputStream(out, BUFFER_BYTES), null,
                            context.get().transferSyntaxUid());
                    transcoded.write(dicomOut);
                    dicomOut.flush();
                }
            } catch (DicomException e) {
                throw new IOException("cannot write the converted data set", e);
            }
        } catch (org.vesalius.storage.blob.BlobNotFoundException e) {
            return StoreOutcome.failed(instance.sopInstanceUid(), "stored object missing: " + e.getMessage());
        }
        Message response = channel.awaitStoreResponse(messageId);
        return new StoreOutcome(instance.sopInstanceUid(), response.status(), response.errorComment());
    }

    /** The blob positioned after its File Meta Information: the data set bytes as received. */
    private InputStream openDataSet(Retrievable instance) throws IOException {
        InputStream in = new BufferedInputStream(blobs.open(instance.blobKey()), BUFFER_BYTES);
        try {
            skipMetaInformation(in);
            return in;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
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

    /**
     * Skips the preamble, "DICM" and the group 0002 elements (always explicit VR little endian),
     * read one element at a time so no byte of the data set is consumed.
     */
    static void skipMetaInformation(InputStream in) throws IOException {
        DataInputStream data = new DataInputStream(in);
        data.skipNBytes(128);
        byte[] magic = data.readNBytes(4);
        if (magic.length != 4 || magic[0] != 'D' || magic[1] != 'I' || magic[2] != 'C' || magic[3] != 'M') {
            throw new IOException("stored object is not a Part 10 file");
        }
        while (true) {
            in.mark(8);
            byte[] header = data.readNBytes(8);
            ByteBuffer b = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
            if (header.length < 8 || (b.getShort(0) & 0xFFFF) != 0x0002) {
                in.reset();
                return;
            }
            String vr = new String(header, 4, 2, java.nio.charset.StandardCharsets.US_ASCII);
            long length;
            if (Set.of("OB", "OW", "OF", "SQ", "UT", "UN", "UR", "UC", "OD", "OL", "OV", "SV", "UV").contains(vr)) {
                byte[] longLength = data.readNBytes(4);
                length = ByteBuffer.wrap(longLength).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xFFFFFFFFL;
            } else {
                length = b.getShort(6) & 0xFFFF;
            }
            data.skipNBytes(length);
        }
    }
}
