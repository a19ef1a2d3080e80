package dev.r1serve.server.engine.llamacpp;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.EngineCapabilities;
import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import dev.r1serve.server.chat.ChatPrompt;
import dev.r1serve.server.gguf.GgufReader;
import dev.r1serve.server.tokenizer.BpeTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The embedded CPU engine: llama.cpp's server loop through java-llama.cpp, with continuous batching
 * over {@code slots} sequences.
 *
 * <p>One engine thread owns every llama.cpp task. java-llama.cpp's blocking {@code next()} must not be
 * cancelled from another thread (the blocked consumer then hangs forever), and a thread per stream
 * spends the CPU that decoding needs; so this thread starts tasks, reads each running task's next token
 * in turn (llama.cpp decodes all slots in one step, so the round-robin reads follow its rhythm), and
 * carries out cancellations between reads. Never more tasks than slots are started, so every started
 * task is decoding and no read waits behind a queued one.
 */
public final class LlamaCppEngine implements Engine {

    private static final Logger LOG = Logger.getLogger(LlamaCppEngine.class.getName());

    private final String modelName;
    private final LlamaCppOptions options;
    private final LlamaModel model;
    private final LinkedBlockingQueue<Sequence> waiting = new LinkedBlockingQueue<>();
    /** Sequences whose batch llama.cpp failed for lack of KV cache, restarted before new work (engine thread only). */
    private final java.util.ArrayDeque<Sequence> restarts = new java.util.ArrayDeque<>();
    private final List<Sequence> running = new ArrayList<>();
    private final AtomicInteger busy = new AtomicInteger();
    private final Thread loop;
    private final TokenPieces pieces;
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
    private boolean cancelledTasks;
    static final long CANCEL_SETTLE_MILLIS = 5;
    /**
     * Restarts of one sequence after llama.cpp failed its whole batch for lack of KV cache. llama.cpp's server
     * then errors every slot of the batch, including sequences that were doing fine; they are started again
     * with the same seed, and the text they already streamed is regenerated silently and checked, so the
     * caller sees one uninterrupted sequence or, if the regenerated text differs, the original error.
     */
    static final int KV_RESTARTS = 3;
    /** When the engine thread last finished a step or an idle wait; a stale value with work means a hang. */
    private volatile long lastProgressNanos = System.nanoTime();
    /** No token for this long while sequences run means the engine hangs (long prefills stay well below). */
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
        this.model = new LlamaModel(new ModelParameters()
                .setModel(options.gguf().toString())
                .setCtxSize(kvCells(options))
                // Sequences of different lengths fragment the shared KV cache; compact it early.
                .setDefragThold(0.1f)
                .setParallel(options.slots())
                .setThreads(options.threads())
                .setThreadsBatch(options.threads())
                .enableContBatching()
                // A sequence that fills its context ends with LENGTH instead of silently dropping its start.
                .disableContextShift()
                .disableLog());
        try {
            GgufReader gguf = GgufReader.read(options.gguf());
            int vocab = gguf.getStringArray("tokenizer.ggml.tokens").size();
            this.vocabularySize = vocab;
            this.addsBos = gguf.has("tokenizer.ggml.add_bos_token")
                    ? gguf.getBool("tokenizer.ggml.add_bos_token")
                    : "llama".equals(gguf.findString("tokenizer.ggml.model").orElse(""));
            this.pieces = TokenPieces.build(vocab, id -> model.decode(new int[] {id}), model::encode);
            this.bpe = BpeTokenizer.fromGguf(gguf).orElse(null);
            List<String> tokens = gguf.getStringArray("tokenizer.ggml.tokens");
            this.bosToken = tokenText(gguf, "tokenizer.ggml.bos_token_id", tokens);
            this.bosId = gguf.has("tokenizer.ggml.bos_token_id") ? gguf.getInt("tokenizer.ggml.bos_token_id") : 1;
            this.eosToken = tokenText(gguf, "tokenizer.ggml.eos_token_id", tokens);
            this.chatTemplate = gguf.findString("tokenizer.chat_template").orElse(null);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw new IllegalArgumentException("cannot read the vocabulary of " + options.gguf() + ": " + e.getMessage(), e);
        }
        this.loop = Thread.ofPlatform().name("llama.cpp-" + modelName).daemon().start(this::run);
    }

    /**
     * KV cache cells: every slot's full context plus 1/4 headroom. llama.cpp shares one cache among the
     * slots, and a fragmented cache without room fails the whole batch ("KV cache is full"), so exactly
     * slots x context is not enough when all slots run near their context. Measured with MATH-500, k = 4 on
     * stories260K, 4 slots of 512 tokens: 1/8 headroom failed 7-18% of the samples, 1/4 one in 480 (with the
     * restarts of {@link #KV_RESTARTS}), 1/2 none in 320.
     */
    static int kvCells(LlamaCppOptions o) {
        int exact = o.contextLength() * o.slots();
        return exact + Math.max(256, exact / 4);
    }

    @Override
    public int slots() {
        return options.slots();
    }

    /** Why this engine has no log-probabilities: the path that would give them kills the JVM, so it is never taken. */
    static final String NO_LOGPROBS = "java-llama.cpp 4.2.0 cannot return probabilities (its JNI reads keys the "
            + "bundled llama.cpp no longer writes and aborts the JVM when n_probs is set)";

    /** llama.cpp's penalties sampler, token ids both ways (prompts through {@link PromptTokens}); no probabilities. */
    @Override
    public EngineCapabilities capabilities() {
        return new EngineCapabilities(true, false, true, true, false).withoutLogprobs(NO_LOGPROBS);
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
        return bpe != null ? bpe.encode(text) : model.encode(text);
    }

    @Override
    public int[] tokenize(ChatPrompt prompt) {
        if (bpe != null) {
            return bpe.encodePrompt(prompt.pieces());
        }
        int[] ids = model.encode(textPrompt(prompt.text()));
        if (!addsBos) {
            return ids;
        }
        int[] withBos = new int[ids.length + 1];
        withBos[0] = bosId;
        System.arraycopy(ids, 0, withBos, 1, ids.length);
        return withBos;
    }

    private int countPromptTokens(ChatPrompt prompt) {
        return bpe != null ? bpe.encodePrompt(prompt.pieces()).length
                : model.encode(textPrompt(prompt.text())).length + (addsBos ? 1 : 0);
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
        return addsBos && !bosToken.isEmpty() && prompt.startsWith(bosToken) ? prompt.substring(bosToken.length()) : prompt;
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
        return s;
    }

    private void run() {
        while (!closed) {
            try {
                if (cancelledTasks) {
                    // Let llama.cpp take in the cancellations (and free their slots) before new tasks arrive.
                    cancelledTasks = false;
                    Thread.sleep(CANCEL_SETTLE_MILLIS);
                }
                admit();
                if (running.isEmpty() && restarts.isEmpty()) {
                    lastProgressNanos = System.nanoTime();
                    Sequence next = waiting.poll(100, TimeUnit.MILLISECONDS);
                    if (next != null) {
                        start(next);
                    }
                    continue;
                }
                for (Iterator<Sequence> it = running.iterator(); it.hasNext(); ) {
                    Sequence s = it.next();
                    if (step(s)) {
                        it.remove();
                        busy.decrementAndGet();
                    }
                    lastProgressNanos = System.nanoTime();
                }
            } catch (InterruptedException e) {
                break;
            } catch (RuntimeException e) {
                LOG.log(Level.SEVERE, "engine loop of " + modelName + " failed", e);
            }
        }
        for (Sequence s : running) {
            s.cancelTask();
            s.finish(FinishReason.CANCELLED, null);
        }
        for (Sequence s; (s = waiting.poll()) != null || (s = restarts.poll()) != null; ) {
            s.finish(FinishReason.CANCELLED, null);
        }
    }

    private void admit() {
        while (running.size() < options.slots()) {
            Sequence s = restarts.isEmpty() ? waiting.poll() : restarts.poll();
            if (s == null) {
                return;
            }
            start(s);
        }
    }

    private void start(Sequence s) {
        if (s.cancelRequested) {
            s.finish(FinishReason.CANCELLED, null);
            return;
        }
        SequenceSpec spec = s.spec;
        if (spec.returnLogprobs()) { // refused in validation; n_probs would abort the JVM
            s.finish(FinishReason.ERROR, "model '" + modelName + "': " + NO_LOGPROBS);
            return;
        }
        int[] promptIds = null;
        try {
            if (bpe != null || spec.tokenPrompt()) {
                // Counted above the engine already when the prompt was checked against the context.
                promptIds = spec.promptTokenIds() != null ? spec.promptTokenIds() : bpe.encodePrompt(spec.pieces());
                s.promptTokens = promptIds.length;
            } else {
                s.promptTokens = spec.promptTokenIds() != null ? spec.promptTokenIds().length
                        : countPromptTokens(ChatPrompt.raw(spec.prompt()));
            }
        } catch (RuntimeException e) {
            s.finish(FinishReason.ERROR, "llama.cpp could not tokenize the prompt: " + e.getMessage());
            return;
        }
        int room = options.contextLength() - s.promptTokens;
        if (room < 1) {
            s.finish(FinishReason.LENGTH, null);
            return;
        }
        InferenceParameters params = new InferenceParameters(textPrompt(spec.prompt()))
                .setTemperature(spec.temperature())
                .setTopP(spec.topP())
                .setTopK(spec.topK())
                .setMinP(spec.minP())
                // llama.cpp's penalties sampler, over its last 64 tokens (repeat_last_n's default)
                .setFrequencyPenalty(spec.frequencyPenalty())
                .setPresencePenalty(spec.presencePenalty())
                .setSeed((int) spec.seed())
                .setNPredict(Math.min(spec.maxTokens(), room))
                .setCachePrompt(true);
        if (promptIds != null) {
            PromptTokens.set(params, promptIds);
        }
        try {
            s.iterator = (LlamaIterator) model.generate(params).iterator();
        } catch (RuntimeException e) {
            s.finish(FinishReason.ERROR, "llama.cpp refused the sequence: " + e.getMessage());
            return;
        }
        running.add(s);
        busy.incrementAndGet();
        if (!s.started) {
            s.started = true;
            s.listener.onStart();
        }
    }

    /** Reads one result of a running sequence; returns true when the sequence is done. */
    private boolean step(Sequence s) {
        if (s.cancelRequested) {
            s.cancelTask();
            s.finish(FinishReason.CANCELLED, null);
            return true;
        }
        LlamaOutput out;
        try {
            out = s.iterator.next();
        } catch (RuntimeException e) {
            String why = "llama.cpp failed: " + e.getMessage();
            if (isKvCacheFailure(e) && s.restarts < KV_RESTARTS) {
                s.restarts++;
                s.replay = s.raw.toString();
                s.replayed = 0;
                s.restartError = why;
                restarts.add(s);
                LOG.fine(() -> modelName + ": restarting a sequence after a KV-cache batch failure (" + s.replay.length() + " chars to replay)");
                return true;
            }
            s.finish(FinishReason.ERROR, why);
            return true;
        }
        boolean last = !s.iterator.hasNext();
        String piece = out.text;
        if (s.replay != null) {
            // A restart regenerates what the caller already has: check it, pass on only what is new.
            int upTo = Math.min(s.replay.length(), s.replayed + piece.length());
            String expected = s.replay.substring(s.replayed, upTo);
            if (!piece.startsWith(expected) || (last && upTo < s.replay.length())) {
                if (!last) s.cancelTask();
                s.finish(FinishReason.ERROR, s.restartError + " (restarted, but the regenerated text differed)");
                return true;
            }
            s.replayed = upTo;
            piece = piece.substring(expected.length());
            if (s.replayed == s.replay.length()) s.replay = null;
            if (piece.isEmpty() && !last) return false;
        }
        s.raw.append(piece);
        if (!last || !piece.isEmpty()) {
            // One result per token, except a token ending mid-character, whose bytes come with the next
            // one; an end-of-generation token arrives as an empty result.
            int[] ids = pieces.idsOf(piece);
            s.completionTokens += Math.max(1, ids.length);
            s.emit(piece, s.spec.returnTokenIds() ? ids : new int[0]);
        }
        if (last) {
            // LENGTH or EOS is decided above the engine from the counts (see generation.StopAndLength).
            s.finish(FinishReason.EOS, null);
            return true;
        }
        return false;
    }

    /** llama.cpp's server failing a whole batch because the shared KV cache had no room. */
    static boolean isKvCacheFailure(RuntimeException e) {
        String m = e.getMessage();
        return m != null && (m.contains("KV size") || m.contains("KV cache is full"));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            loop.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        model.close();
    }

    /** A sequence and its state; touched by the engine thread except for {@link #cancel()}. */
    private final class Sequence implements SequenceHandle {
        final SequenceSpec spec;
        final SequenceListener listener;
        LlamaIterator iterator;
        int promptTokens;
        int completionTokens;
        volatile boolean cancelRequested;
        boolean finished;
        boolean started;
        /** Everything llama.cpp generated so far (before stop strings): what a restart must reproduce. */
        final StringBuilder raw = new StringBuilder();
        int restarts;
        String replay; // text a restarted sequence regenerates without passing it on; null otherwise
        int replayed;
        String restartError;

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
            }
        }

        void cancelTask() {
            if (iterator != null) {
                cancelledTasks = true;
                iterator.cancel();
            }
        }

        void emit(String text, int[] ids) {
            if (!text.isEmpty() || ids.length > 0) {
                listener.onText(text, ids);
            }
        }

        void finish(FinishReason reason, String error) {
            if (finished) {
                return;
            }
            finished = true;
            listener.onFinish(new SequenceResult(reason, promptTokens, completionTokens, error));
        }
    }
}
