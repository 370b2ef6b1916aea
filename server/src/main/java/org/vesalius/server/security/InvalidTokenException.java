package org.vesalius.server.security;

/** A bearer token that cannot be accepted; the message says why and is safe to show (no token content). */
public final class InvalidTokenException extends Exception {
    public InvalidTokenException(String message) {
        super(message);
    }
}
