package dev.r1serve.server.generation;

import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;

/**
 * What every engine's output needs, done once above the engine SPI: cuts the text at the first stop string
 * (holding back a tail that may still become one, so no part of a stop string reaches the caller) and
 * then stops the engine's sequence; tells LENGTH from EOS by the counts (max_tokens reached, or the
 * context full); and finishes exactly once, whatever the engine reports after.
 */
public final class StopAndLength implements SequenceListener {

    private final SequenceListener downstream;
    private final StopStringFilter stops;
    private final int maxTokens;
    private final int contextLength;
    private volatile SequenceHandle handle;
    private volatile boolean stopRequested;
    private boolean finished;

    public StopAndLength(
            SequenceListener downstream, java.util.List<String> stopStrings, int maxTokens, int contextLength) {
        this.downstream = downstream;
        this.stops = new StopStringFilter(stopStrings);
        this.maxTokens = maxTokens;
        this.contextLength = contextLength;
    }

    /** The engine's (or scheduler's) handle, to stop the sequence once a stop string matched. */
    public void attach(SequenceHandle h) {
        handle = h;
        if (stopRequested) {
            h.cancel();
        }
    }

    @Override
    public void onStart() {
        downstream.onStart();
    }

    @Override
    public void onText(String text, int[] tokenIds) {
        onText(text, tokenIds, java.util.List.of());
    }

    /** Ids and log-probabilities pass at once; only text is held back (they belong to tokens already generated). */
    @Override
    public void onText(String text, int[] tokenIds, java.util.List<dev.r1serve.server.engine.TokenLogprob> logprobs) {
        if (finished) {
            return;
        }
        String safe = stops.accept(text);
        if (!safe.isEmpty() || tokenIds.length > 0 || !logprobs.isEmpty()) {
            downstream.onText(safe, tokenIds, logprobs);
        }
        if (stops.matched()) {
            stopRequested = true;
            SequenceHandle h = handle;
            if (h != null) {
                h.cancel(); // the engine's CANCELLED report that follows is swallowed below
            }
        }
    }

    /** Finishes with STOP as soon as a stop string matched: the caller need not wait for the engine's cancel. */
    @Override
    public void onFinish(SequenceResult result) {
        if (finished) {
            return;
        }
        if (stops.matched()) {
            finish(result.withReason(FinishReason.STOP, null));
            return;
        }
        FinishReason reason = result.reason();
        if (reason == FinishReason.EOS || reason == FinishReason.LENGTH || reason == FinishReason.STOP) {
            String tail = stops.flush(); // the held-back text was not a stop string after all
            if (!tail.isEmpty()) {
                downstream.onText(tail, new int[0]);
            }
        }
        if (reason == FinishReason.EOS
                && (result.completionTokens() >= maxTokens
                        || result.promptTokens() + result.completionTokens() >= contextLength)) {
            reason = FinishReason.LENGTH;
        }
        finish(reason == result.reason() ? result : result.withReason(reason, result.error()));
    }

    private void finish(SequenceResult result) {
        finished = true;
        downstream.onFinish(result);
    }
}
