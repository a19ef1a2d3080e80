package dev.r1serve.reward.sandbox;

/** The sandbox's worker queue is full; the caller should retry later (gRPC RESOURCE_EXHAUSTED). */
public final class SandboxBusyException extends RuntimeException {
    public SandboxBusyException(String message) {
        super(message);
    }
}
