package org.vesalius.dicomweb.rendered;

import org.vesalius.dicomweb.render.RenderException;

/**
 * The HTTP status for a picture the engine could not make, shared by the DICOMweb routes and the
 * REST API so a client sees the same answer for the same object on both.
 *
 * <ul>
 *   <li>400: a bad parameter (window, viewport, quality, annotation).</li>
 *   <li>404: the frame does not exist (as for a missing instance).</li>
 *   <li>406: the object has no pixel data (a structured report): no image representation exists.</li>
 *   <li>501: the object's encoding has no decoder here (video, deflate, JPEG-LS without DCMTK):
 *       the server lacks the function, the object itself is fine.</li>
 *   <li>422: the pixel data is truncated or does not decode: the object is at fault, not the request
 *       syntax nor the server.</li>
 * </ul>
 */
public final class RenderStatus {
    private RenderStatus() {
    }

    public static int of(RenderException.Reason reason) {
        return switch (reason) {
            case BAD_PARAMETER -> 400;
            case NO_SUCH_FRAME -> 404;
            case NO_PIXEL_DATA -> 406;
            case UNSUPPORTED -> 501;
            case CORRUPT -> 422;
        };
    }
}
