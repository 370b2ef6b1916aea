package org.vesalius.dicomweb.render;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Writes the final picture: JPEG with our {@link JpegEncoder} (the requested quality), PNG and GIF
 * with the JDK's ImageIO writers.
 */
final class ImageEncoder {

    private ImageEncoder() {
    }

    static void write(BufferedImage image, OutputFormat format, int quality, OutputStream out) throws IOException {
        if (format == OutputFormat.JPEG) {
            JpegEncoder.write(image, quality, out);
            return;
        }
        Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName(format.imageIoName());
        if (!writers.hasNext()) {
            throw new IOException("no ImageIO writer for " + format.mediaType());
        }
        ImageWriter writer = writers.next();
        // Buffered in memory: ImageIO.createImageOutputStream would cache in a temporary file per picture.
        // Closing this stream does not close out.
        try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, null), writer.getDefaultWriteParam());
        } finally {
            writer.dispose();
        }
    }
}
