package org.vesalius.dicomweb.render;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The rendering engine's entry point: one frame of a DICOM Part 10 object to a JPEG, PNG or GIF.
 * Only that frame is decoded and held; the picture is complete before the first byte is written,
 * so a {@link RenderException} always comes before any output.
 */
public final class Renderer {

    private static final System.Logger LOG = System.getLogger(Renderer.class.getName());

    private final Path temporaryDirectory;
    private final FrameDecoder decoder;

    /** @param temporaryDirectory where streamed input and DCMTK's decompressed copies are spooled */
    public Renderer(Path temporaryDirectory) {
        this.temporaryDirectory = temporaryDirectory;
        this.decoder = new FrameDecoder(new DcmtkDecompressor(temporaryDirectory));
    }

    /** Renders a frame of a Part 10 file. */
    public void render(Path file, RenderRequest request, OutputStream out) throws RenderException, IOException {
        BufferedImage image = renderImage(file, request);
        ImageEncoder.write(image, request.format(), request.quality(), out);
    }

    /** Encodes a picture as {@code format} (quality 1..100 applies to JPEG). */
    public static void encode(BufferedImage image, OutputFormat format, int quality, OutputStream out) throws IOException {
        ImageEncoder.write(image, format, quality, out);
    }

    /** Renders a frame of a Part 10 stream, spooled to a temporary file first (frames are read by offset). */
    public void render(InputStream in, RenderRequest request, OutputStream out) throws RenderException, IOException {
        Path spool = Files.createTempFile(temporaryDirectory, "render-", ".dcm");
        try {
            Files.copy(in, spool, StandardCopyOption.REPLACE_EXISTING);
            render(spool, request, out);
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    /** The number of frames of an image object, for callers that render them all (e.g. convert). */
    public int numberOfFrames(Path file) throws RenderException, IOException {
        try (DicomImageFile dicom = DicomImageFile.open(file)) {
            return ImageHeader.from(dicom.header()).numberOfFrames();
        }
    }

    /**
     * The rendered picture before encoding, for callers that draw on it (the annotation API);
     * {@link #encode} writes it afterwards.
     */
    public BufferedImage renderImage(Path file, RenderRequest request) throws RenderException, IOException {
        ImageHeader header;
        DecodedFrame frame;
        try (DicomImageFile dicom = DicomImageFile.open(file)) {
            header = ImageHeader.from(dicom.header());
            if (request.frame() > header.numberOfFrames()) {
                throw new RenderException(RenderException.Reason.NO_SUCH_FRAME,
                        "frame " + request.frame() + " requested, the object has " + header.numberOfFrames());
            }
            frame = decoder.decode(dicom, header, request.frame() - 1);
            LOG.log(System.Logger.Level.DEBUG, "decoded frame {0} of {1} ({2}, {3})", request.frame(), file,
                    header.photometric(), dicom.transferSyntax().getUID());
        }
        BufferedImage image;
        String voi;
        if (header.isMonochrome()) {
            GrayscalePipeline.Result result = GrayscalePipeline.render(frame, header, request.window());
            image = result.image();
            voi = result.voiDescription();
        } else {
            image = ColorPipeline.render(frame, header);
            voi = "";
        }
        if (request.viewport() != null) {
            image = ViewportTransform.apply(image, request.viewport());
        }
        Annotator.draw(image, request.annotations(), header.texts(),
                new Annotator.Technique(voi, request.frame(), header.numberOfFrames()));
        return image;
    }
}
