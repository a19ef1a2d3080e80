package dev.r1serve.server.engine;

/**
 * Receives one sequence's output. Calls come from the engine's thread, in order, and must not block:
 * a slow listener delays every sequence of that engine.
 */
public interface SequenceListener {

    /** The sequence started decoding (it left the engine's queue for a slot). */
    default void onStart() {}

    /**
     * New raw text (stop strings are matched above the engine). {@code text} is whole characters.
     *
     * @param tokenIds ids of the tokens behind the text when they were asked for, else empty
     */
    void onText(String text, int[] tokenIds);

    /** The sequence ended; no call follows. */
    void onFinish(SequenceResult result);
}
