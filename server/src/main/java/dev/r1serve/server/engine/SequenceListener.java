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

    /**
     * New text with the log-probabilities of its tokens, from engines that return them
     * ({@link SequenceSpec#returnLogprobs()}); one entry per token, aligned with {@code tokenIds} when those
     * are given. Listeners that pass output on override this as well as {@link #onText(String, int[])}.
     */
    default void onText(String text, int[] tokenIds, java.util.List<TokenLogprob> logprobs) {
        onText(text, tokenIds);
    }

    /** The sequence ended; no call follows. */
    void onFinish(SequenceResult result);
}
