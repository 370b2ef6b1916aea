package org.vesalius.server.cli;

import java.io.PrintStream;

/** A one-line text progress bar, redrawn in place with a carriage return. */
final class ProgressBar {
    private static final int WIDTH = 40;
    private final PrintStream out;
    private final int total;
    private int done;
    private int lastDrawnPercent = -1;

    ProgressBar(PrintStream out, int total) {
        this.out = out;
        this.total = total;
    }

    void step() {
        done++;
        int percent = total == 0 ? 100 : (int) (100L * done / total);
        if (percent != lastDrawnPercent) {
            lastDrawnPercent = percent;
            int filled = percent * WIDTH / 100;
            out.printf("\r[%s%s] %3d%% %d/%d", "#".repeat(filled), " ".repeat(WIDTH - filled), percent, done, total);
            out.flush();
        }
    }

    /** Prints a line above the bar (a failure), then redraws it on the next step. */
    void note(String line) {
        out.print("\r" + " ".repeat(WIDTH + 30) + "\r");
        out.println(line);
        lastDrawnPercent = -1;
    }

    void done() {
        out.println();
    }
}
