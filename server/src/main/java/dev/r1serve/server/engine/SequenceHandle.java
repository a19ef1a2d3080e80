package dev.r1serve.server.engine;

/** Control over a submitted sequence. */
public interface SequenceHandle {

    /**
     * Asks the engine to stop the sequence and free its slot. Safe from any thread and idempotent; the
     * listener then gets {@code onFinish} with CANCELLED (unless the sequence had already finished).
     */
    void cancel();
}
