/**
 * Annotation of stored instances: circles drawn on the windowed image, kept as a new RGB Secondary
 * Capture instance of the same study ({@code POST /api/instances/{sop}/annotations}) or only shown
 * ({@code GET /api/instances/{sop}/rendered?annotate=circles&count=N}).
 */
package org.vesalius.server.annotation;
