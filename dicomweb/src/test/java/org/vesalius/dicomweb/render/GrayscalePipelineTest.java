package org.vesalius.dicomweb.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

/** The table of a monotonic function is filled by bisection: it must equal evaluating every entry. */
class GrayscalePipelineTest {

    @Test
    void bisectionFillsTheSameTableAsEvaluatingEveryValue() {
        Window window = new Window(1000, 700, VoiFunction.LINEAR);
        Window narrow = new Window(-3.5, 1, VoiFunction.LINEAR);
        Window sigmoid = new Window(200, 3000, VoiFunction.SIGMOID);
        Window exact = new Window(-1000.25, 40000, VoiFunction.LINEAR_EXACT);
        assertSameTable(-2048, 8192, v -> round(window, v * 1.0 + 0));
        assertSameTable(-2048, 8192, v -> 255 - round(window, v * 1.0 + 0));             // MONOCHROME1
        assertSameTable(0, 65535, v -> round(window, v * -0.5 + 1500));                  // a negative slope
        assertSameTable(-10, 10, v -> round(narrow, v));                                  // one step
        assertSameTable(0, 65535, v -> round(sigmoid, v * 0.1 - 1024));
        assertSameTable(-70000, 70000, v -> round(exact, v * 0.25));
        assertSameTable(5, 5, v -> round(window, v));                                      // a single value
        assertSameTable(0, 1, v -> 255 - round(window, v * 2000.0));
    }

    private static long round(Window window, double x) {
        return Math.round(window.function().apply(x, window.center(), window.width(), 0, 255));
    }

    private static void assertSameTable(long min, long max, LongUnaryOperator f) {
        byte[] table = new byte[(int) (max - min + 1)];
        GrayscalePipeline.fillMonotonic(table, min, f);
        for (int i = 0; i < table.length; i++) {
            assertThat(table[i] & 0xFF).as("value %d", min + i).isEqualTo((int) f.applyAsLong(min + i));
        }
    }
}
