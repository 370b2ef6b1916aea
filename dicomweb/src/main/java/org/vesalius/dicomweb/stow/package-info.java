/** STOW-RS (PS3.18 10.5): store instances over HTTP through the one ingest path. */
package org.vesalius.dicomweb.stow;
