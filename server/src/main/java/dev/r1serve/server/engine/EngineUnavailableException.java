package dev.r1serve.server.engine;

/** The engine cannot serve now (e.g. no replica of a remote backend answers); worth retrying later. */
public final class EngineUnavailableException extends RuntimeException {

    public EngineUnavailableException(String message) {
        super(message, null, false, false);
    }
}
