package org.vesalius.dicomweb.render;

/** A window (PS3.18 {@code window=center,width,function}): the VOI transform the caller asked for. */
public record Window(double center, double width, VoiFunction function) {

    public Window {
        if (!Double.isFinite(center) || !Double.isFinite(width) || width < function.minimumWidth()
                || (function != VoiFunction.LINEAR && width <= 0)) {
            throw new IllegalArgumentException("window width " + width + " is not allowed for " + function);
        }
    }

    /** Parses {@code center,width[,LINEAR|LINEAR_EXACT|SIGMOID]}; the function defaults to LINEAR. */
    public static Window parse(String text) throws RenderException {
        String[] parts = text.split(",", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw bad(text);
        }
        try {
            VoiFunction function = parts.length == 3 ? VoiFunction.parse(parts[2]) : VoiFunction.LINEAR;
            return new Window(Double.parseDouble(parts[0].trim()), Double.parseDouble(parts[1].trim()), function);
        } catch (IllegalArgumentException e) {
            throw bad(text);
        }
    }

    private static RenderException bad(String text) {
        return new RenderException(RenderException.Reason.BAD_PARAMETER,
                "window must be center,width[,function] with a positive width (at least 1 for LINEAR): '" + text + "'");
    }
}
