package dev.r1serve.server.engine.llamacpp;

import dev.r1serve.server.chat.ChatPrompt;
import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.EngineCapabilities;
import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import dev.r1serve.server.engine.TokenLogprob;
import dev.r1serve.server.gguf.GgufReader;
import dev.r1serve.server.tokenizer.BpeTokenizer;
import dev.r1serve.server.validation.RequestValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The embedded CPU engine: llama.cpp's C API (through {@link LlamaContext}) driven by one engine thread, with
 * continuous batching over {@code slots} KV-cache sequences.
 *
 * <p>Each loop is one {@code llama_decode}: the next token of every decoding sequence plus chunks of the prompts
 * being prefilled, then one sampled token per sequence that has logits. So every count is exact (one token per
 * step, an end-of-generation token included), every id is the sampled one, and text is passed on at token
 * boundaries where it does not end inside a UTF-8 character, with the ids of exactly the tokens behind it.
 *
 * <p>Prompts are shared: a new sequence takes the longest prefix of its prompt that any slot already holds in the
 * KV cache ({@code llama_kv_self_seq_cp}, which shares the cells) and waits for a slot that is still prefilling
 * the same prompt instead of computing it again, so the n samples of a request evaluate their prompt once.
 */
public final class LlamaCppEngine implements Engine {

    private static final Logger LOG = Logger.getLogger(LlamaCppEngine.class.getName());
    /** Tokens decoded in one step at most (prompt chunks included). */
    static final int BATCH_TOKENS = 512;
    /** A prompt shares a prefix being prefilled elsewhere only if it is at least this long (shorter: recompute). */
    static final int MIN_SHARED_PREFIX = 16;

    private final String modelName;
    private final LlamaCppOptions options;
    private final LlamaContext llama;
    private final LinkedBlockingQueue<Sequence> waiting = new LinkedBlockingQueue<>();
    private final Slot[] slots;
    private final AtomicInteger busy = new AtomicInteger();
    private final Thread loop;
    private final boolean addsBos;
    /** Our tokenizer for the vocabulary (HF-equal, content kept plain); null where llama.cpp's is used. */
    private final BpeTokenizer bpe;

    private final String bosToken;
    private final int bosId;
    private final String eosToken;
    private final String chatTemplate;
    private final String source;
    private final int vocabularySize;
    private volatile boolean closed;
    /** When the engine thread last finished a step or an idle wait; a stale value with work means a hang. */
    private volatile long lastProgressNanos = System.nanoTime();
    /** No step for this long while sequences run means the engine hangs (long prefills stay well below). */
    static final long HUNG_AFTER_NANOS = TimeUnit.SECONDS.toNanos(120);

    public LlamaCppEngine(String modelName, LlamaCppOptions options) {
        this(modelName, options, options.gguf().toString());
    }

    /** @param source where the weights came from, for ListModels (the path, or "builtin:NAME") */
    public LlamaCppEngine(String modelName, LlamaCppOptions options, String source) {
        if (!Files.isRegularFile(options.gguf())) {
            throw new IllegalArgumentException("model file not found: " + options.gguf());
        }
        NativeLibrary.prepare();
        this.modelName = modelName;
        this.options = options;
        this.source = source;
        this.llama = new LlamaContext(
                options.gguf().toString(), kvCells(options), BATCH_TOKENS, options.slots(), options.threads());
        this.slots = new Slot[options.slots()];
        for (int i = 0; i < slots.length; i++) {
            slots[i] = new Slot(i);
        }
        try {
            GgufReader gguf = GgufReader.read(options.gguf());
            int vocab = gguf.getStringArray("tokenizer.ggml.tokens").size();
            this.vocabularySize = vocab;
            this.addsBos = gguf.has("tokenizer.ggml.add_bos_token")
                    ? gguf.getBool("tokenizer.ggml.add_bos_token")
                    : "llama".equals(gguf.findString("tokenizer.ggml.model").orElse(""));
            this.bpe = BpeTokenizer.fromGguf(gguf).orElse(null);
            List<String> tokens = gguf.getStringArray("tokenizer.ggml.tokens");
            this.bosToken = tokenText(gguf, "tokenizer.ggml.bos_token_id", tokens);
            this.bosId = gguf.has("tokenizer.ggml.bos_token_id") ? gguf.getInt("tokenizer.ggml.bos_token_id") : 1;
            this.eosToken = tokenText(gguf, "tokenizer.ggml.eos_token_id", tokens);
            this.chatTemplate = gguf.findString("tokenizer.chat_template").orElse(null);
        } catch (IOException | RuntimeException e) {
            llama.close();
            throw new IllegalArgumentException(
                    "cannot read the vocabulary of " + options.gguf() + ": " + e.getMessage(), e);
        }
        this.loop = Thread.ofPlatform().name("llama.cpp-" + modelName).daemon().start(this::run);
    }

    /**
     * KV cache cells: every slot's full context plus 1/4 headroom. llama.cpp shares one cache among the
     * slots, and a fragmented cache without room fails the whole batch ("KV cache is full"), so exactly
     * slots x context is not enough when all slots run near their context. Measured with MATH-500, k = 4 on
     * stories260K, 4 slots of 512 tokens: 1/8 headroom failed 7-18% of the samples, 1/4 one in 480 (then with restarts
     * of the failed batch), 1/2 none in 320. Samples sharing a prompt now share its cells, which leaves more room.
     */
    static int kvCells(LlamaCppOptions o) {
        int exact = o.contextLength() * o.slots();
        return exact + Math.max(256, exact / 4);
    }

    @Override
    public int slots() {
        return options.slots();
    }

    /**
     * llama.cpp's penalties sampler, token ids both ways (prompts given as ids are decoded as such), and the raw
     * log-probabilities of the logits llama.h hands over (java-llama.cpp's own JNI path for them aborts the JVM).
     */
    @Override
    public EngineCapabilities capabilities() {
        return new EngineCapabilities(true, false, true, true, false)
                .withLogprobs(EngineCapabilities.RAW_LOGPROBS, RequestValidator.MAX_TOP_LOGPROBS);
    }

    @Override
    public int vocabularySize() {
        return vocabularySize;
    }

    @Override
    public String source() {
        return source;
    }

    @Override
    public String templateHint() {
        return options.gguf().getFileName().toString();
    }

    @Override
    public int contextLength() {
        return options.contextLength();
    }

    private static String tokenText(GgufReader gguf, String key, List<String> tokens) {
        if (!gguf.has(key)) {
            return "";
        }
        int id = gguf.getInt(key);
        return id >= 0 && id < tokens.size() ? tokens.get(id) : "";
    }

    @Override
    public int[] tokenize(String text) {
        return bpe != null ? bpe.encode(text) : llama.tokenize(text, false);
    }

    @Override
    public int[] tokenize(ChatPrompt prompt) {
        if (bpe != null) {
            return bpe.encodePrompt(prompt.pieces());
        }
        int[] ids = llama.tokenize(textPrompt(prompt.text()), false);
        if (!addsBos) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = bosId;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    @Override
    public byte[] tokenBytes(int tokenId) {
        return tokenId >= 0 && tokenId < llama.vocabSize() ? llama.pieceWithSpecials(tokenId) : null;
    }

    @Override
    public List<String> specialTokens() {
        return bpe != null ? bpe.addedTokens() : List.of();
    }

    @Override
    public String bosToken() {
        return bosToken;
    }

    @Override
    public String eosToken() {
        return eosToken;
    }

    @Override
    public java.util.Optional<String> chatTemplate() {
        return java.util.Optional.ofNullable(chatTemplate);
    }

    /**
     * A prompt for llama.cpp's own tokenizer, which adds BOS itself: a BOS the template wrote is dropped
     * so that there is one.
     */
    private String textPrompt(String prompt) {
        return addsBos && !bosToken.isEmpty() && prompt.startsWith(bosToken)
                ? prompt.substring(bosToken.length())
                : prompt;
    }

    @Override
    public int busySlots() {
        return busy.get();
    }

    @Override
    public int queuedSequences() {
        return waiting.size();
    }

    @Override
    public boolean isHealthy() {
        boolean working = busy.get() > 0 || !waiting.isEmpty();
        return !closed && loop.isAlive() && (!working || System.nanoTime() - lastProgressNanos < HUNG_AFTER_NANOS);
    }

    @Override
    public SequenceHandle submit(SequenceSpec spec, SequenceListener listener) {
        Sequence s = new Sequence(spec, listener);
        if (closed) {
            listener.onFinish(SequenceResult.failed("engine for model '" + modelName + "' is closed", 0, 0));
            return s;
        }
        waiting.add(s);
        wake();
        return s;
    }

    private final Object wakeLock = new Object();

    private void wake() {
        synchronized (wakeLock) {
            wakeLock.notifyAll();
        }
    }

    private void run() {
        while (!closed) {
            try {
                cancelRequested();
                admit();
                if (!step()) {
                    lastProgressNanos = System.nanoTime();
                    synchronized (wakeLock) {
                        if (waiting.isEmpty() && !anyCancel()) {
                            wakeLock.wait(100);
                        }
                    }
                }
                lastProgressNanos = System.nanoTime();
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "engine loop of " + modelName + " failed", e);
                for (Slot slot : slots) {
                    if (slot.seq != null) {
                        release(slot, FinishReason.ERROR, "llama.cpp failed: " + e.getMessage());
                    }
                }
            }
        }
        for (Slot slot : slots) {
            if (slot.seq != null) {
                release(slot, FinishReason.CANCELLED, null);
            }
        }
        for (Sequence s; (s = waiting.poll()) != null; ) {
            s.finish(FinishReason.CANCELLED, null);
        }
    }

    private boolean anyCancel() {
        for (Slot slot : slots) {
            if (slot.seq != null && slot.seq.cancelRequested) {
                return true;
            }
        }
        return false;
    }

    private void cancelRequested() {
        for (Slot slot : slots) {
            if (slot.seq != null && slot.seq.cancelRequested) {
                release(slot, FinishReason.CANCELLED, null);
            }
        }
    }

    /** Gives waiting sequences the free slots: the slot (and shared prefix) that saves the most prefill. */
    private void admit() {
        for (Slot free; (free = freeSlot()) != null; ) {
            Sequence s = waiting.poll();
            if (s == null) {
                return;
            }
            if (s.cancelRequested) {
                s.finish(FinishReason.CANCELLED, null);
                continue;
            }
            int[] prompt;
            try {
                prompt = s.spec.promptTokenIds() != null
                        ? s.spec.promptTokenIds()
                        : bpe != null ? bpe.encodePrompt(s.spec.pieces()) : tokenize(ChatPrompt.raw(s.spec.prompt()));
            } catch (RuntimeException e) {
                s.finish(FinishReason.ERROR, "llama.cpp could not tokenize the prompt: " + e.getMessage());
                continue;
            }
            s.promptTokens = prompt.length;
            int room = options.contextLength() - prompt.length;
            if (room < 1 || prompt.length == 0) {
                s.finish(
                        prompt.length == 0 ? FinishReason.ERROR : FinishReason.LENGTH,
                        prompt.length == 0 ? "empty prompt" : null);
                continue;
            }
            s.nPredict = Math.min(s.spec.maxTokens(), room);
            Slot slot = bestIdleSlot(prompt, free);
            slot.seq = s;
            slot.prompt = prompt;
            slot.sampler = llama.sampler(
                    s.spec.temperature(),
                    s.spec.topP(),
                    s.spec.topK(),
                    s.spec.minP(),
                    s.spec.frequencyPenalty(),
                    s.spec.presencePenalty(),
                    s.spec.seed());
            busy.incrementAndGet();
            if (!s.started) {
                s.started = true;
                s.listener.onStart();
            }
            placePrompt(slot);
        }
    }

    private Slot freeSlot() {
        for (Slot slot : slots) {
            if (slot.seq == null) {
                return slot;
            }
        }
        return null;
    }

    /** The idle slot whose cache holds the longest prefix of {@code prompt} (its own cells are kept). */
    private Slot bestIdleSlot(int[] prompt, Slot fallback) {
        Slot best = fallback;
        int bestLen = -1;
        for (Slot slot : slots) {
            if (slot.seq == null) {
                int l = commonPrefix(slot.kv, slot.nKv, prompt);
                if (l > bestLen) {
                    best = slot;
                    bestLen = l;
                }
            }
        }
        return best;
    }

    /**
     * Puts as much of the slot's prompt in its KV cache as can be had without computing: its own cells, or
     * another slot's (shared); or makes it wait for a slot that is prefilling a longer common prefix.
     */
    private void placePrompt(Slot slot) {
        int[] prompt = slot.prompt;
        int own = commonPrefix(slot.kv, slot.nKv, prompt);
        Slot donor = null;
        int donated = own;
        Slot pending = null;
        int pendingLen = own;
        for (Slot other : slots) {
            if (other == slot) {
                continue;
            }
            int have = commonPrefix(other.kv, other.nKv, prompt);
            if (have > donated) {
                donor = other;
                donated = have;
            }
            if (other.seq != null && other.state == State.PREFILL && other.waitFor == null) {
                int will = commonPrefix(other.prompt, other.prompt.length, prompt);
                if (will > pendingLen) {
                    pending = other;
                    pendingLen = will;
                }
            }
        }
        if (pending != null && pendingLen > donated && pendingLen - donated >= MIN_SHARED_PREFIX) {
            slot.state = State.WAIT;
            slot.waitFor = pending;
            return;
        }
        slot.waitFor = null;
        int reuse;
        if (donor != null) {
            llama.removeKv(slot.id, 0, -1);
            reuse = Math.min(donated, prompt.length - 1); // the last prompt token is decoded again for its logits
            llama.shareKv(donor.id, slot.id, reuse);
            System.arraycopy(prompt, 0, slot.kv(reuse), 0, reuse);
        } else {
            reuse = Math.min(own, prompt.length - 1);
            llama.removeKv(slot.id, reuse, -1);
        }
        slot.nKv = reuse;
        slot.prefilled = reuse;
        slot.seq.promptTokensCached = reuse;
        slot.state = State.PREFILL;
    }

    private static int commonPrefix(int[] a, int aLen, int[] b) {
        int n = Math.min(aLen, b.length);
        int i = 0;
        while (i < n && a[i] == b[i]) {
            i++;
        }
        return i;
    }

    /** One decode: a token for each decoding slot, then prompt chunks; returns false when there was nothing to do. */
    private boolean step() {
        for (Slot slot : slots) {
            if (slot.state == State.WAIT && (slot.waitFor.seq == null || slot.waitFor.state != State.PREFILL)) {
                placePrompt(slot); // the prefix is computed (or its sequence gone): take what there is
            }
        }
        llama.clearBatch();
        for (Slot slot : slots) {
            slot.logitsAt = -1;
            if (slot.state == State.DECODE) {
                slot.logitsAt = llama.add(slot.next, slot.nKv, slot.id, true);
                slot.chunk = 1;
            }
        }
        for (Slot slot : slots) {
            if (slot.state == State.PREFILL) {
                int n = Math.min(llama.batchCapacity() - llama.batchSize(), slot.prompt.length - slot.prefilled);
                slot.chunk = n;
                for (int j = 0; j < n; j++) {
                    int p = slot.prefilled + j;
                    int i = llama.add(slot.prompt[p], p, slot.id, p == slot.prompt.length - 1);
                    if (p == slot.prompt.length - 1) {
                        slot.logitsAt = i;
                    }
                }
            }
        }
        if (llama.batchSize() == 0) {
            return false;
        }
        int rc = llama.decode();
        if (rc == 1 && evictIdle()) {
            return true; // nothing was decoded: the same step runs again with the idle slots' cells freed
        }
        if (rc != 0) {
            String why = rc == 1
                    ? "llama.cpp: no room in the KV cache for this step"
                    : "llama.cpp decode failed (" + rc + ")";
            for (Slot slot : slots) {
                if ((slot.state == State.DECODE || slot.state == State.PREFILL) && slot.chunk > 0) {
                    llama.removeKv(slot.id, slot.nKv, -1);
                    release(slot, FinishReason.ERROR, why);
                }
            }
            return true;
        }
        for (Slot slot : slots) {
            if (slot.state == State.DECODE) {
                slot.kv(slot.nKv + 1)[slot.nKv++] = slot.next;
            } else if (slot.state == State.PREFILL && slot.chunk > 0) {
                int[] kv = slot.kv(slot.prefilled + slot.chunk);
                System.arraycopy(slot.prompt, slot.prefilled, kv, slot.prefilled, slot.chunk);
                slot.prefilled += slot.chunk;
                slot.nKv = slot.prefilled;
                if (slot.prefilled == slot.prompt.length) {
                    slot.state = State.DECODE;
                }
            }
            slot.chunk = 0;
        }
        for (Slot slot : slots) {
            if (slot.logitsAt >= 0 && slot.state == State.DECODE) {
                SequenceSpec spec = slot.seq.spec;
                if (spec.returnLogprobs()) {
                    float[] row = logits();
                    llama.copyLogits(slot.logitsAt, row); // before the sampler, from the model itself
                    int token = llama.sample(slot.sampler, slot.logitsAt);
                    sampled(slot, token, RawLogprobs.of(row, token, spec.topLogprobs()));
                } else {
                    sampled(slot, llama.sample(slot.sampler, slot.logitsAt), null);
                }
            }
        }
        return true;
    }

    /** One position's logits, for log-probabilities; engine thread only, made on first use (a vocabulary of floats). */
    private float[] logits;

    private float[] logits() {
        if (logits == null) {
            logits = new float[llama.vocabSize()];
        }
        return logits;
    }

    /** Frees the cells idle slots keep for prompt reuse; false when there were none. */
    private boolean evictIdle() {
        boolean any = false;
        for (Slot slot : slots) {
            if (slot.seq == null && slot.nKv > 0) {
                llama.removeKv(slot.id, 0, -1);
                slot.nKv = 0;
                any = true;
            }
        }
        return any;
    }

    /** One sampled token: counted, its bytes passed on at the next character boundary, the sequence ended if due. */
    private void sampled(Slot slot, int token, TokenLogprob logprob) {
        Sequence s = slot.seq;
        s.completionTokens++;
        boolean end = llama.isEndOfGeneration(token);
        s.text.append(llama.piece(token), token, logprob);
        if (!s.text.holding()) {
            s.emit();
        }
        if (end) {
            release(slot, FinishReason.EOS, null);
        } else if (s.completionTokens >= s.nPredict) {
            release(slot, FinishReason.LENGTH, null);
        } else {
            slot.next = token;
        }
    }

    /** Ends the slot's sequence; the slot keeps its KV cells (prompt and output) for a later prompt to share. */
    private void release(Slot slot, FinishReason reason, String error) {
        Sequence s = slot.seq;
        if (s == null) {
            return;
        }
        if (reason != FinishReason.CANCELLED && reason != FinishReason.ERROR) {
            s.emit(); // a tail that never completed a character: its bytes, replaced, and its ids
        }
        if (slot.state == State.WAIT || slot.state == State.PREFILL) {
            llama.removeKv(slot.id, slot.nKv, -1);
        }
        slot.seq = null;
        slot.state = State.IDLE;
        slot.waitFor = null;
        slot.prompt = null;
        LlamaContext.freeSampler(slot.sampler);
        slot.sampler = null;
        busy.decrementAndGet();
        s.finish(reason, error);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        wake();
        try {
            loop.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!loop.isAlive()) {
            llama.close();
        }
    }

    private enum State {
        IDLE,
        WAIT,
        PREFILL,
        DECODE
    }

    /** One KV-cache sequence id and what it holds; engine thread only. */
    private static final class Slot {
        final int id;
        Sequence seq;
        State state = State.IDLE;
        /** Tokens whose KV cells this sequence id holds, positions 0..nKv-1. */
        int[] kv = new int[0];

        int nKv;
        int[] prompt;
        int prefilled;
        int next;
        int chunk;
        int logitsAt = -1;
        Slot waitFor;
        java.lang.foreign.MemorySegment sampler;

        Slot(int id) {
            this.id = id;
        }

        /** The kv array with room for {@code n} tokens. */
        int[] kv(int n) {
            if (kv.length < n) {
                kv = java.util.Arrays.copyOf(kv, Math.max(n, kv.length * 2));
            }
            return kv;
        }
    }

    /** A sequence and its state; touched by the engine thread except for {@link #cancel()}. */
    private final class Sequence implements SequenceHandle {
        final SequenceSpec spec;
        final SequenceListener listener;
        final Utf8Pieces text = new Utf8Pieces();
        int promptTokens;
        int promptTokensCached;
        int completionTokens;
        int nPredict;
        volatile boolean cancelRequested;
        boolean finished;
        boolean started;

        Sequence(SequenceSpec spec, SequenceListener listener) {
            this.spec = spec;
            this.listener = listener;
        }

        @Override
        public void cancel() {
            cancelRequested = true;
            // A sequence still waiting is taken out at once; exactly one of this thread and the engine
            // thread (which polls the same queue) gets it, so it finishes once.
            if (waiting.remove(this)) {
                finish(FinishReason.CANCELLED, null);
            } else {
                wake();
            }
        }

        void emit() {
            Utf8Pieces.Chunk c = text.take();
            int[] ids = spec.returnTokenIds() ? c.ids() : new int[0];
            if (spec.returnLogprobs() && !c.logprobs().isEmpty()) {
                listener.onText(c.text(), ids, c.logprobs());
            } else if (!c.text().isEmpty() || ids.length > 0) {
                listener.onText(c.text(), ids);
            }
        }

        void finish(FinishReason reason, String error) {
            if (finished) {
                return;
            }
            finished = true;
            listener.onFinish(new SequenceResult(reason, promptTokens, completionTokens, error, promptTokensCached));
        }
    }
}
