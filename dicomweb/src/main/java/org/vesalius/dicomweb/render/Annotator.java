package org.vesalius.dicomweb.render;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.font.TextLayout;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Burns text into the rendered picture with Java2D: patient lines at the top left, technique lines
 * at the bottom left, white with a dark outline so they read on any background.
 */
final class Annotator {

    private static final int MARGIN = 2;

    private Annotator() {
    }

    /** What the technique annotation reports besides the header texts. */
    record Technique(String voi, int frame, int numberOfFrames) {
    }

    static void draw(BufferedImage image, Set<Annotation> annotations, ImageHeader.Texts texts, Technique technique) {
        if (annotations.isEmpty()) {
            return;
        }
        int size = fontSize(image.getHeight());
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, size));
            int line = lineHeight(size);
            if (annotations.contains(Annotation.PATIENT)) {
                List<String> lines = nonBlank(texts.patientName(), texts.patientId().isEmpty() ? "" : "ID " + texts.patientId());
                for (int i = 0; i < lines.size(); i++) {
                    text(g, lines.get(i), MARGIN, MARGIN + size + i * line);
                }
            }
            if (annotations.contains(Annotation.TECHNIQUE)) {
                String series = (texts.seriesNumber().isEmpty() ? "" : "Se " + texts.seriesNumber() + " ")
                        + texts.seriesDescription();
                List<String> lines = nonBlank((texts.modality() + " " + series).trim(), technique.voi(),
                        "Fr " + technique.frame() + "/" + technique.numberOfFrames());
                int bottom = image.getHeight() - MARGIN - line / 4;
                for (int i = 0; i < lines.size(); i++) {
                    text(g, lines.get(i), MARGIN, bottom - (lines.size() - 1 - i) * line);
                }
            }
        } finally {
            g.dispose();
        }
    }

    /** Scales with the picture so a thumbnail and a full image both stay legible. */
    static int fontSize(int imageHeight) {
        return Math.max(9, Math.min(24, imageHeight / 24));
    }

    static int lineHeight(int fontSize) {
        return fontSize + fontSize / 3 + 1;
    }

    private static void text(Graphics2D g, String text, int x, int baseline) {
        TextLayout layout = new TextLayout(text, g.getFont(), g.getFontRenderContext());
        java.awt.Shape outline = layout.getOutline(java.awt.geom.AffineTransform.getTranslateInstance(x, baseline));
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(2f));
        g.draw(outline);
        g.setColor(Color.WHITE);
        g.fill(outline);
    }

    private static List<String> nonBlank(String... lines) {
        List<String> result = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                result.add(line);
            }
        }
        return result;
    }
}
