package dev.r1serve.rollout;

import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.EngineCapabilities;
import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import dev.r1serve.server.generation.GenerationRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double: an engine whose sequence for each seed writes a known reply, a character per token (the token id is
 * the character's code point), or, for {@link #HOLD}, runs until cancelled. Callbacks come from one engine thread.
 */
final class ScriptedModel implements Engine {

    /** The reply of a sequence that never ends by itself. */
    static final String HOLD = "\u0000hold";

    private final Map<Long, String> replies = new ConcurrentHashMap<>();
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "scripted-model");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger busy = new AtomicInteger();
    private final int slots;
    private boolean logprobs;
    private boolean tokenIds = true;

    ScriptedModel(int slots) {
        this.slots = slots;
    }

    /** Gives log-probabilities (of the raw logits, as a vLLM backend reports them) with the token ids. */
    ScriptedModel withLogprobs() {
        logprobs = true;
        return this;
    }

    /** Gives no token ids (as an openai-chat backend): rollouts still come back, without them. */
    ScriptedModel withoutTokenIds() {
        tokenIds = false;
        return this;
    }

    /** Sample i of a request with seed {@code seed} writes {@code replies.get(i)}. */
    ScriptedModel script(long seed, List<String> replies) {
        GenerationRequest r = new GenerationRequest(
                "m",
                new GenerationRequest.Prompt(""),
                new GenerationRequest.Sampling(0, 1, 0, 0, 0, 0, seed, 1, List.of()),
                replies.size(),
                0,
                "",
                true);
        for (int i = 0; i < replies.size(); i++) this.replies.put(r.sampleSeed(i), replies.get(i));
        return this;
    }

    @Override
    public SequenceHandle submit(SequenceSpec spec, SequenceListener listener) {
        String reply = replies.getOrDefault(spec.seed(), "unscripted seed " + spec.seed());
        boolean[] cancelled = new boolean[1];
        busy.incrementAndGet();
        thread.execute(() -> {
            listener.onStart();
            if (!reply.equals(HOLD)) step(listener, reply, 0, cancelled, spec.returnLogprobs());
        });
        return () -> thread.execute(() -> {
            if (!cancelled[0]) {
                cancelled[0] = true;
                busy.decrementAndGet();
                listener.onFinish(new SequenceResult(FinishReason.CANCELLED, 4, 0, null));
            }
        });
    }

    /** The scripted log-probability of a token: -1/1000 of its code point, so tests can compute it. */
    static float logprob(int codePoint) {
        return -codePoint / 1000f;
    }

    private void step(SequenceListener listener, String reply, int at, boolean[] cancelled, boolean logprobs) {
        if (cancelled[0]) return;
        if (at == reply.length()) {
            cancelled[0] = true; // finished: a late cancel does nothing
            busy.decrementAndGet();
            listener.onFinish(new SequenceResult(FinishReason.EOS, 4, reply.codePointCount(0, reply.length()), null));
            return;
        }
        int cp = reply.codePointAt(at);
        String text = new String(Character.toChars(cp));
        if (logprobs) {
            listener.onText(
                    text,
                    new int[] {cp},
                    List.of(new dev.r1serve.server.engine.TokenLogprob(cp, logprob(cp), List.of())));
        } else {
            listener.onText(text, new int[] {cp});
        }
        thread.execute(() -> step(listener, reply, at + Character.charCount(cp), cancelled, logprobs));
    }

    @Override
    public int busySlots() {
        return busy.get();
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public int contextLength() {
        return 4096;
    }

    @Override
    public EngineCapabilities capabilities() {
        EngineCapabilities ids = new EngineCapabilities(false, false, tokenIds, false, false);
        return logprobs
                ? ids.withLogprobs(EngineCapabilities.RAW_LOGPROBS, 20)
                : ids.withoutLogprobs("scripted without them");
    }

    @Override
    public String source() {
        return "scripted";
    }

    @Override
    public String templateHint() {
        return "";
    }

    @Override
    public int[] tokenize(String text) {
        return text.codePoints().toArray();
    }

    @Override
    public int queuedSequences() {
        return 0;
    }

    @Override
    public boolean isHealthy() {
        return !thread.isShutdown();
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
