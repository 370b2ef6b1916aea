package org.vesalius.dicomweb.render;

import java.io.OutputStream;
import java.nio.file.*;
import org.junit.jupiter.api.Test;

class ScratchVisualTest {
    @Test
    void renderAll() throws Exception {
        Path dir = Path.of("/usr/lib/python3/dist-packages/pydicom/data/test_files");
        Path out = Files.createDirectories(Path.of("/tmp/render-check"));
        Renderer r = new Renderer(Files.createTempDirectory("r"));
        try (var files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".dcm")).sorted().toList()) {
                try (OutputStream o = Files.newOutputStream(out.resolve(f.getFileName() + ".png"))) {
                    r.render(f, RenderRequest.of(OutputFormat.PNG), o);
                    System.out.println("OK   " + f.getFileName());
                } catch (RenderException e) {
                    System.out.println("FAIL " + f.getFileName() + " " + e.reason() + " " + e.getMessage());
                } catch (Exception e) {
                    System.out.println("ERR  " + f.getFileName() + " " + e);
                }
            }
        }
        try (var pngs = Files.list(out)) {
            var list = pngs.filter(p -> p.toString().endsWith(".dcm.png")).sorted().toList();
            int cols = 8, cell = 170;
            var sheet = new java.awt.image.BufferedImage(cols * cell, ((list.size() + cols - 1) / cols) * cell, java.awt.image.BufferedImage.TYPE_INT_RGB);
            var g = sheet.createGraphics();
            g.setColor(java.awt.Color.DARK_GRAY); g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
            for (int i = 0; i < list.size(); i++) {
                var img = Files.size(list.get(i)) == 0 ? new java.awt.image.BufferedImage(1, 1, 1) : javax.imageio.ImageIO.read(list.get(i).toFile());
                double s = Math.min(150.0 / img.getWidth(), 150.0 / img.getHeight());
                int x = (i % cols) * cell, y = (i / cols) * cell;
                g.drawImage(img, x + 2, y + 2, (int) (img.getWidth() * s), (int) (img.getHeight() * s), null);
                g.setColor(java.awt.Color.YELLOW); g.setFont(new java.awt.Font("SansSerif", 0, 9));
                g.drawString(list.get(i).getFileName().toString().replace(".dcm.png", ""), x + 2, y + 165);
            }
            javax.imageio.ImageIO.write(sheet, "png", Path.of("/tmp/render-sheet.png").toFile());
        }
    }
}
