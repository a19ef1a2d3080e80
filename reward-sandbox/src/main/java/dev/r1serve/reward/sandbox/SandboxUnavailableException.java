package dev.r1serve.reward.sandbox;

/** The sandbox cannot run here (bubblewrap or an interpreter is missing); the message says how to fix it. */
public final class SandboxUnavailableException extends RuntimeException {
    public SandboxUnavailableException(String message) {
        super(message);
    }
}
