package org.vesalius.dicomweb.wado;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import org.vesalius.dicomweb.http.DicomWebException;
import org.vesalius.storage.blob.BlobStore;
import org.vesalius.storage.dicom.InstanceMetadataReader;
import org.vesalius.storage.dicom.TagPath;
import org.vesalius.storage.index.IndexedInstance;

/**
 * Reads a stored object whole, decoded, for what cannot be served by ranged reads of its bytes:
 * transcoding to Explicit VR Little Endian, uncompressed frames of a compressed object, and frames
 * and bulk data of deflated or big endian objects.
 *
 * <p>PixelMed decodes (AttributeList with decompression on); for JPEG-LS and 12-bit lossy JPEG,
 * which no Java ImageIO reader we can ship decodes, DCMTK's dcmdjpls / dcmdjpeg (when installed)
 * decompress a temporary copy first. The object is copied to a temporary file (the decoders read
 * files), and one instance's decoded pixel data is held in memory at a time per request: the price
 * of transcoding, paid only by clients that ask for it.
 */
final class Transcoder {
    private static final System.Logger LOG = System.getLogger(Transcoder.class.getName());
    private static final long DCMTK_TIMEOUT_SECONDS = 120;

    private final BlobStore blobStore;
    private final Path tempDir;

    Transcoder(BlobStore blobStore, Path tempDir) {
        this.blobStore = blobStore;
        this.tempDir = tempDir;
    }

    /** The object as PixelMed reads it, pixel data decompressed when {@code decompress}. */
    AttributeList read(IndexedInstance instance, boolean decompress) throws IOException {
        Path copy = Files.createTempFile(tempDir, "wado-", ".dcm");
        Path decompressed = null;
        try {
            try (InputStream in = blobStore.open(instance.blobKey())) {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
            }
            String syntax = instance.transferSyntaxUid();
            if (decompress && !TransferSyntaxes.canDecode(syntax)) {
                throw DicomWebException.notAcceptable("cannot decompress transfer syntax " + syntax);
            }
            if (decompress && needsDcmtk(syntax)) {
                decompressed = dcmtk(copy, syntax);
            }
            AttributeList list = new AttributeList();
            list.setDecompressPixelData(decompress);
            list.read((decompressed != null ? decompressed : copy).toFile());
            if (decompress) {
                list.correctDecompressedImagePixelModule();
                list.insertLossyImageCompressionHistoryIfDecompressed();
            }
            return list;
        } catch (DicomException | RuntimeException e) {
            if (e instanceof DicomWebException known) {
                throw known;
            }
            LOG.log(Level.WARNING, "cannot decode instance " + instance.sopInstanceUid() + " (" + instance.transferSyntaxUid()
                    + "): " + e.getMessage(), e);
            throw DicomWebException.notAcceptable("cannot decode the pixel data of instance " + instance.sopInstanceUid()
                    + " (" + instance.transferSyntaxUid() + "): " + e.getMessage());
        } finally {
            Files.deleteIfExists(copy);
            if (decompressed != null) {
                Files.deleteIfExists(decompressed);
            }
        }
    }

    /** Writes the object, decoded, as a Part 10 file in Explicit VR Little Endian. */
    static void writeExplicitLittleEndian(AttributeList list, OutputStream out) throws IOException {
        try {
            list.removeGroupLengthAttributes();
            list.removeMetaInformationHeaderAttributes();
            FileMetaInformation.addFileMetaInformation(list, TransferSyntaxes.EXPLICIT_LE, "VESALIUS");
            list.write(out, TransferSyntaxes.EXPLICIT_LE, true, true, false);
        } catch (DicomException e) {
            throw new IOException("cannot write the transcoded object: " + e.getMessage(), e);
        }
    }

    /** Frame {@code index} (0-based) of decoded native pixel data, as little endian bytes. */
    static byte[] frame(AttributeList list, int index) throws IOException {
        try {
            Attribute pixelData = list.getPixelData();
            if (pixelData == null) {
                throw DicomWebException.notFound("the object has no pixel data");
            }
            byte[] all = InstanceMetadataReader.littleEndianBytes(pixelData, pixelData.getVRAsString());
            int frames = Math.max(1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1));
            long frameBits = (long) Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0)
                    * Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0)
                    * Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1)
                    * Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
            if (index >= frames || frameBits == 0) {
                throw DicomWebException.notFound("no frame " + (index + 1));
            }
            return FrameBits.slice(all, 0, index, frameBits);
        } catch (DicomException e) {
            throw new IOException("cannot read the decoded pixel data: " + e.getMessage(), e);
        }
    }

    /** The value at a tag path (see {@link TagPath}), as Explicit VR Little Endian bytes; null when absent. */
    static byte[] value(AttributeList list, String tagPath) throws IOException {
        String[] steps = tagPath.split("\\.");
        AttributeList current = list;
        try {
            for (int i = 0; i + 2 < steps.length; i += 2) {
                Attribute sequence = current.get(tag(steps[i]));
                int item = Integer.parseInt(steps[i + 1]);
                if (!(sequence instanceof SequenceAttribute sq) || item > sq.getNumberOfItems()) {
                    return null;
                }
                current = sq.getItem(item - 1).getAttributeList();
            }
            Attribute attribute = current.get(tag(steps[steps.length - 1]));
            return attribute == null ? null : InstanceMetadataReader.littleEndianBytes(attribute, attribute.getVRAsString());
        } catch (DicomException e) {
            throw new IOException("cannot read the value at " + tagPath + ": " + e.getMessage(), e);
        }
    }

    private static com.pixelmed.dicom.AttributeTag tag(String hex) {
        int tag = (int) Long.parseLong(hex, 16);
        return new com.pixelmed.dicom.AttributeTag(tag >>> 16, tag & 0xFFFF);
    }

    /** JPEG-LS and 12-bit lossy JPEG: no pure-Java decoder on hand, DCMTK does it. */
    private static boolean needsDcmtk(String syntax) {
        return syntax.equals(TransferSyntaxes.JPEG_LS) || syntax.equals(TransferSyntaxes.JPEG_LS_NEAR)
                || syntax.equals("1.2.840.10008.1.2.4.51");
    }

    private Path dcmtk(Path input, String syntax) throws IOException {
        String tool = syntax.startsWith("1.2.840.10008.1.2.4.8") ? "dcmdjpls" : "dcmdjpeg";
        Path output = Files.createTempFile(tempDir, "wado-", ".dcm");
        try {
            Process process = new ProcessBuilder(tool, input.toString(), output.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!process.waitFor(DCMTK_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(tool + " timed out");
            }
            if (process.exitValue() != 0) {
                throw new IOException(tool + " failed with exit code " + process.exitValue());
            }
            return output;
        } catch (IOException e) {
            Files.deleteIfExists(output);
            LOG.log(Level.WARNING, "cannot decompress " + syntax + " with " + tool + ": " + e.getMessage());
            throw DicomWebException.notAcceptable("cannot decompress transfer syntax " + syntax
                    + " (needs DCMTK's " + tool + "): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Files.deleteIfExists(output);
            throw new IOException("interrupted", e);
        }
    }
}
