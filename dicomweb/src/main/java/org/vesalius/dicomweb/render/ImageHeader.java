package org.vesalius.dicomweb.render;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import java.util.Optional;

/**
 * The Image Pixel, Modality LUT and VOI LUT attributes the pipeline needs, plus the few texts
 * the annotations show. Read from PixelMed's AttributeList of everything before the pixel data.
 */
record ImageHeader(
        int rows,
        int columns,
        int samplesPerPixel,
        String photometric,
        int bitsAllocated,
        int bitsStored,
        int highBit,
        boolean signed,
        int planarConfiguration,
        int numberOfFrames,
        double rescaleSlope,
        double rescaleIntercept,
        Optional<Window> headerWindow,
        Optional<Lut> voiLut,
        Optional<Palette> palette,
        Texts texts) {

    /** The strings annotations draw; empty strings when absent. */
    record Texts(String patientName, String patientId, String modality, String seriesNumber,
            String seriesDescription) {
    }

    static ImageHeader from(AttributeList list) throws RenderException {
        int rows = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        int columns = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        int bitsAllocated = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
        if (rows <= 0 || columns <= 0 || bitsAllocated <= 0) {
            throw new RenderException(RenderException.Reason.NO_PIXEL_DATA,
                    "the object has no image pixel module (Rows, Columns, Bits Allocated)");
        }
        int bitsStored = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsStored, bitsAllocated);
        int highBit = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.HighBit, bitsStored - 1);
        if (bitsStored < 1 || bitsStored > bitsAllocated || highBit < bitsStored - 1 || highBit >= bitsAllocated
                || bitsAllocated > 32) {
            throw new RenderException(RenderException.Reason.UNSUPPORTED, "inconsistent or unsupported bits: allocated "
                    + bitsAllocated + ", stored " + bitsStored + ", high bit " + highBit);
        }
        String photometric = Attribute.getSingleStringValueOrDefault(list, TagFromName.PhotometricInterpretation,
                "MONOCHROME2").trim();
        int frames = Math.max(1, Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1));
        return new ImageHeader(rows, columns,
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 1),
                photometric, bitsAllocated, bitsStored, highBit,
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PixelRepresentation, 0) == 1,
                Attribute.getSingleIntegerValueOrDefault(list, TagFromName.PlanarConfiguration, 0),
                frames,
                Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleSlope, 1.0),
                Attribute.getSingleDoubleValueOrDefault(list, TagFromName.RescaleIntercept, 0.0),
                headerWindow(list), voiLut(list), Palette.from(list, photometric),
                new Texts(text(list, TagFromName.PatientName).replace('^', ' ').trim(),
                        text(list, TagFromName.PatientID),
                        text(list, TagFromName.Modality),
                        text(list, TagFromName.SeriesNumber),
                        text(list, TagFromName.SeriesDescription)));
    }

    boolean isMonochrome() {
        return photometric.startsWith("MONOCHROME");
    }

    /** The first Window Center/Width pair, with the VOI LUT Function (default LINEAR). */
    private static Optional<Window> headerWindow(AttributeList list) throws RenderException {
        double[] centers = doubles(list.get(TagFromName.WindowCenter));
        double[] widths = doubles(list.get(TagFromName.WindowWidth));
        if (centers.length == 0 || widths.length == 0) {
            return Optional.empty();
        }
        String function = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.VOILUTFunction);
        VoiFunction voi = function.isBlank() ? VoiFunction.LINEAR : VoiFunction.parse(function);
        try {
            return Optional.of(new Window(centers[0], widths[0], voi));
        } catch (IllegalArgumentException e) {
            return Optional.empty(); // an unusable header window falls back to the frame's range
        }
    }

    private static Optional<Lut> voiLut(AttributeList list) {
        if (list.get(TagFromName.VOILUTSequence) instanceof SequenceAttribute seq && seq.getNumberOfItems() > 0) {
            return Lut.from(seq.getItem(0).getAttributeList());
        }
        return Optional.empty();
    }

    private static double[] doubles(Attribute attribute) {
        try {
            return attribute == null ? new double[0] : attribute.getDoubleValues();
        } catch (Exception e) {
            return new double[0];
        }
    }

    private static String text(AttributeList list, AttributeTag tag) {
        return Attribute.getSingleStringValueOrEmptyString(list, tag).trim();
    }
}
