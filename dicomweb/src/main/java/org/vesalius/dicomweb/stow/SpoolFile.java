package org.vesalius.dicomweb.stow;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A STOW-RS part on local disk: the ingest path takes a file, and the request body can only be
 * read once, so each part is copied here as it arrives (64 KiB at a time) and deleted after ingest.
 */
final class SpoolFile implements AutoCloseable {
    private final Path path;
    private long size;

    private SpoolFile(Path path) {
        this.path = path;
    }

    /** A failure of the local disk (full, unwritable), told apart from a failure to read the request. */
    static final class DiskException extends IOException {
        DiskException(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    /**
     * Copies {@code body} to a new file in {@code dir}.
     *
     * @throws DiskException when the file cannot be created or written
     * @throws IOException   when the body cannot be read (a malformed or broken request)
     */
    static SpoolFile copy(InputStream body, Path dir) throws IOException {
        Path path;
        try {
            path = Files.createTempFile(dir, "stow-", ".dcm");
        } catch (IOException e) {
            throw new DiskException(e);
        }
        SpoolFile spool = new SpoolFile(path);
        try (OutputStream out = new DiskOutput(Files.newOutputStream(path))) {
            spool.size = body.transferTo(out);
        } catch (IOException | RuntimeException e) {
            spool.close();
            throw e;
        }
        return spool;
    }

    record SopUids(String sopClassUid, String sopInstanceUid) {
    }

    Path path() {
        return path;
    }

    /** The spooled part's size in bytes, as copied. */
    long size() {
        return size;
    }

    /**
     * The SOP Class and Instance UIDs, for the FailedSOPSequence of an instance the ingest refused
     * after it had parsed the header (so the file is a well-formed Part 10 object and PixelMed reads
     * it safely). Nulls when they cannot be read.
     */
    SopUids sopUids() {
        try {
            AttributeList list = new AttributeList();
            list.read(path.toFile(), TagFromName.PixelData);
            return new SopUids(Attribute.getSingleStringValueOrNull(list, TagFromName.SOPClassUID),
                    Attribute.getSingleStringValueOrNull(list, TagFromName.SOPInstanceUID));
        } catch (IOException | DicomException | RuntimeException e) {
            return new SopUids(null, null);
        }
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            System.getLogger(SpoolFile.class.getName()).log(System.Logger.Level.WARNING,
                    "could not delete spool file " + path + ": " + e.getMessage());
        }
    }

    /** Turns every IOException of the file into a {@link DiskException}. */
    private static final class DiskOutput extends FilterOutputStream {
        DiskOutput(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            try {
                out.write(bytes, offset, length);
            } catch (IOException e) {
                throw new DiskException(e);
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void close() throws IOException {
            try {
                out.close();
            } catch (IOException e) {
                throw new DiskException(e);
            }
        }
    }
}
