package org.vesalius.dicomweb.render;

import java.util.Locale;

/**
 * The VOI LUT Functions of PS3.3 C.11.2.1.2 (and C.11.2.1.3.1 for SIGMOID), with the formulas
 * exactly as written there: LINEAR keeps the historical half-pixel offsets of center and width.
 */
public enum VoiFunction {
    LINEAR {
        @Override
        double apply(double x, double center, double width, double yMin, double yMax) {
            double c = center - 0.5;
            double w = width - 1;
            if (x <= c - w / 2) {
                return yMin;
            }
            if (x > c + w / 2) {
                return yMax;
            }
            return ((x - c) / w + 0.5) * (yMax - yMin) + yMin;
        }

        @Override
        double minimumWidth() {
            return 1;
        }
    },
    LINEAR_EXACT {
        @Override
        double apply(double x, double center, double width, double yMin, double yMax) {
            if (x <= center - width / 2) {
                return yMin;
            }
            if (x > center + width / 2) {
                return yMax;
            }
            return ((x - center) / width + 0.5) * (yMax - yMin) + yMin;
        }
    },
    SIGMOID {
        @Override
        double apply(double x, double center, double width, double yMin, double yMax) {
            return (yMax - yMin) / (1 + Math.exp(-4 * (x - center) / width)) + yMin;
        }
    };

    /** Maps an input value x to the output range [yMin, yMax]. */
    abstract double apply(double x, double center, double width, double yMin, double yMax);

    /** The smallest width the formula is defined for (LINEAR: 1, the others: greater than 0). */
    double minimumWidth() {
        return Double.MIN_VALUE;
    }

    /** Parses a DICOM code string (VOI LUT Function) or a DICOMweb window parameter value. */
    static VoiFunction parse(String text) throws RenderException {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RenderException(RenderException.Reason.BAD_PARAMETER,
                    "unknown VOI LUT function '" + text + "' (LINEAR, LINEAR_EXACT or SIGMOID)");
        }
    }
}
