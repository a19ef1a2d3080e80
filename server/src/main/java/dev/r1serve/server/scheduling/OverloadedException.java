package dev.r1serve.server.scheduling;

/** The admission queue cannot take a request now; the caller should retry after {@link #retryAfterMillis()}. */
public final class OverloadedException extends RuntimeException {

    private final long retryAfterMillis;

    public OverloadedException(String message, long retryAfterMillis) {
        super(message, null, false, false);
        this.retryAfterMillis = retryAfterMillis;
    }

    public long retryAfterMillis() {
        return retryAfterMillis;
    }
}
