package org.vesalius.storage.blob;

import java.io.IOException;

/** There is no object under the key asked for. */
public class BlobNotFoundException extends IOException {
    public BlobNotFoundException(String key) {
        super("no blob under key " + key);
    }
}
