package org.vesalius.dimse.message;

/**
 * The Number of Remaining / Completed / Failed / Warning Sub-operations of a C-MOVE or C-GET
 * response (PS3.7 9.3.4.2, 9.3.3.2). Remaining is left out of final responses (negative here).
 */
public record SubOperationCounts(int remaining, int completed, int failed, int warning) {
}
