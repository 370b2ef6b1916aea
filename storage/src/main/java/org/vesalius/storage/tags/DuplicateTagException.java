package org.vesalius.storage.tags;

/** A tag of this name (in any case) exists already. */
public final class DuplicateTagException extends Exception {
    public DuplicateTagException(String name) {
        super("a tag named \"" + name + "\" exists already (names are unique regardless of case)");
    }
}
