package dev.r1serve.server.generation;

import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.Timings;
import dev.r1serve.proto.v1.Usage;
import dev.r1serve.server.chat.ReasoningSplit;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import dev.r1serve.server.engine.TokenLogprob;
import dev.r1serve.server.error.ServerException;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.scheduling.Scheduler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One request's run, made by {@link GenerationService#submit}: its n samples as n engine sequences (sample
 * i seeded with {@link GenerationRequest#sampleSeed(int)}), each sample's text, reasoning split, usage and
 * timings assembled and reported to an {@link Observer}. {@link #cancel()} cancels every sequence still
 * running.
 */
public final class Generation {

    /**
     * Receives a generation's output; calls for one sample are ordered, samples interleave. Either
     * {@link #onError} (the request was refused before it could run, or failed as a whole) or
     * {@link #onComplete} ends it, once.
     */
    public interface Observer {
        /** The prompt was rendered and counted; the samples are about to be queued. */
        default void onPrepared(PreparedPrompt prompt) {}

        /** The scheduler took the samples (text may already have come: an instant engine is faster). */
        default void onQueued() {}

        /** New text of sample {@code index}. */
        void onDelta(int index, String text, int[] tokenIds);

        /** New text of sample {@code index} with its tokens' log-probabilities (when the request asked for them). */
        default void onDelta(int index, String text, int[] tokenIds, List<TokenLogprob> logprobs) {
            onDelta(index, text, tokenIds);
        }

        /** Sample {@code index} is complete. */
        void onSample(Sample sample);

        /** Every sample is complete; called once, after the last {@link #onSample}. */
        void onComplete(List<Sample> samples);

        /** The request was refused (prompt too long, queue full, backend down, draining, timeout). */
        void onError(ServerException error);
    }

    private final GenerationRequest request;
    private final Observer observer;
    private final long startNanos = System.nanoTime();
    private final List<SequenceHandle> handles = new ArrayList<>();
    private final Sample[] samples;
    private final AtomicInteger remaining;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile PreparedPrompt prompt;
    private volatile boolean cancelled;
    private volatile boolean anyStarted;
    private volatile String logprobsMode = "";

    Generation(GenerationRequest request, Observer observer) {
        this.request = request;
        this.observer = observer;
        this.samples = new Sample[request.n()];
        this.remaining = new AtomicInteger(request.n());
    }

    public GenerationRequest request() {
        return request;
    }

    /** The prompt as rendered for the engine; null until the request was prepared. */
    public PreparedPrompt prompt() {
        return prompt;
    }

    /** Queues the samples' sequences with the model's scheduler. */
    void schedule(
            HostedModel model,
            PreparedPrompt prepared,
            String client,
            io.grpc.Deadline deadline,
            java.util.function.BooleanSupplier abandoned,
            java.util.concurrent.Executor blocking) {
        this.prompt = prepared;
        this.logprobsMode = model.engine().capabilities().logprobsMode();
        observer.onPrepared(prepared);
        var s = request.sampling();
        int context = model.engine().contextLength();
        List<Scheduler.Job> jobs = new ArrayList<>(request.n());
        List<ThinkingBudget> budgets = new ArrayList<>(request.n());
        var engine = model.engine();
        boolean tokenPrompt = request.input() instanceof GenerationRequest.TokenIds;
        // Budget counting and id continuations want the engine's ids even when the caller did not ask for them.
        boolean engineIds = request.returnTokenIds()
                || (engine.capabilities().tokenIds() && (s.hasThinkingBudget() || tokenPrompt));
        ThinkingBudget.Context budgetContext = new ThinkingBudget.Context(
                (spec, listener) -> model.scheduler()
                        .submit(
                                List.of(new Scheduler.Job(spec, listener)),
                                request.priority(),
                                client,
                                deadline,
                                abandoned)
                        .get(0),
                blocking,
                engine::tokenize,
                engine.capabilities().promptTokenIds());
        for (int i = 0; i < request.n(); i++) {
            long seed = request.sampleSeed(i);
            // With the reasoning open from the start, the first sequence can stop at the budget exactly.
            int firstMax = s.hasThinkingBudget() && prepared.thinkPrefilled()
                    ? Math.min(s.maxTokens(), s.maxThinkingTokens())
                    : s.maxTokens();
            SequenceSpec spec = SequenceSpec.builder(prepared.text())
                    .pieces(prepared.rendered().pieces())
                    .promptTokenIds(prepared.tokenIds())
                    .tokenPrompt(tokenPrompt)
                    .thinkPrefilled(prepared.thinkPrefilled())
                    .temperature(s.temperature())
                    .topP(s.topP())
                    .topK(s.topK())
                    .minP(s.minP())
                    .frequencyPenalty(s.frequencyPenalty())
                    .presencePenalty(s.presencePenalty())
                    .seed(seed)
                    .maxTokens(firstMax)
                    .stop(s.stop())
                    .returnTokenIds(engineIds)
                    .returnLogprobs(request.returnLogprobs())
                    .topLogprobs(request.topLogprobs())
                    .chat(request.input() instanceof GenerationRequest.Chat c ? c.turns() : List.of())
                    .build();
            SampleAssembler assembler = new SampleAssembler(i, seed);
            StopAndLength decorated = new StopAndLength(assembler, s.stop(), s.maxTokens(), context);
            ThinkingBudget budget = new ThinkingBudget(
                    decorated,
                    spec,
                    s.maxThinkingTokens(),
                    s.maxTokens(),
                    request.returnTokenIds(),
                    request.returnLogprobs(),
                    budgetContext);
            assembler.budget = budget;
            decorated.attach(budget);
            budgets.add(budget);
            jobs.add(new Scheduler.Job(spec, budget));
        }
        List<SequenceHandle> submitted =
                model.scheduler().submit(jobs, request.priority(), client, deadline, abandoned);
        for (int i = 0; i < submitted.size(); i++) {
            budgets.get(i).attach(submitted.get(i));
        }
        synchronized (handles) {
            handles.addAll(budgets);
        }
        if (cancelled) {
            cancel();
        }
        observer.onQueued();
    }

    /** Cancels every sequence still queued or running; their samples finish as CANCELLED. */
    public void cancel() {
        cancelled = true;
        synchronized (handles) {
            for (SequenceHandle h : handles) {
                h.cancel();
            }
        }
    }

    /** Ends the generation with {@code error} (nothing more is reported) and cancels what still runs. */
    void fail(ServerException error) {
        if (ended.compareAndSet(false, true)) {
            cancel();
            observer.onError(error);
        }
    }

    /** Whether any sample has reached an engine slot. */
    boolean anyStarted() {
        return anyStarted;
    }

    boolean ended() {
        return ended.get();
    }

    private double msSinceStart(long nanos) {
        return (nanos - startNanos) / 1e6;
    }

    /** Collects one sample's output. Engine callbacks for one sequence come from one thread. */
    private final class SampleAssembler implements SequenceListener {
        private final int index;
        private final long seed;
        private final StringBuilder text = new StringBuilder();
        private final List<Integer> tokenIds = new ArrayList<>();
        private final List<dev.r1serve.proto.v1.TokenLogprob> logprobs = new ArrayList<>();
        ThinkingBudget budget;
        private long startedNanos;
        private long firstTokenNanos;

        SampleAssembler(int index, long seed) {
            this.index = index;
            this.seed = seed;
        }

        @Override
        public void onStart() {
            startedNanos = System.nanoTime();
            anyStarted = true;
        }

        @Override
        public void onText(String delta, int[] ids) {
            onText(delta, ids, List.of());
        }

        @Override
        public void onText(String delta, int[] ids, List<TokenLogprob> lps) {
            if (firstTokenNanos == 0) {
                firstTokenNanos = System.nanoTime();
            }
            text.append(delta);
            for (int id : ids) {
                tokenIds.add(id);
            }
            for (TokenLogprob lp : lps) {
                logprobs.add(toProto(lp));
            }
            if (!ended.get()) {
                observer.onDelta(index, delta, ids, lps);
            }
        }

        @Override
        public void onFinish(SequenceResult result) {
            long end = System.nanoTime();
            String full = text.toString();
            ReasoningSplit split = ReasoningSplit.of(full, prompt.thinkPrefilled());
            long started = startedNanos == 0 ? end : startedNanos;
            long first = firstTokenNanos == 0 ? end : firstTokenNanos;
            Sample.Builder b = Sample.newBuilder()
                    .setIndex(index)
                    .setText(full)
                    .setReasoning(split.reasoning())
                    .setAnswer(split.answer())
                    .setFinishReason(toProto(result.reason()))
                    .setUsage(Usage.newBuilder()
                            .setPromptTokens(result.promptTokens())
                            .setCompletionTokens(result.completionTokens())
                            .setReasoningTokens(budget == null ? 0 : budget.reasoningTokens()))
                    .setSeed(seed)
                    .addAllTokenIds(tokenIds)
                    .addAllLogprobs(logprobs)
                    .setThinkingBudgetReached(budget != null && budget.budgetReached())
                    .setTimings(Timings.newBuilder()
                            .setQueueMs(msSinceStart(started))
                            .setTimeToFirstTokenMs(msSinceStart(first))
                            .setDecodeMs((end - first) / 1e6)
                            .setTotalMs(msSinceStart(end))
                            .setPromptTokensComputed(Math.max(0, result.promptTokens() - result.promptTokensCached()))
                            .setPromptTokensCached(result.promptTokensCached()));
            if (result.error() != null) {
                b.setError(result.error());
            }
            if (request.returnLogprobs()) {
                b.setLogprobsMode(logprobsMode);
            }
            if (request.returnPromptTokenIds() && prompt.tokenIds() != null) {
                for (int id : prompt.tokenIds()) {
                    b.addPromptTokenIds(id);
                }
            }
            Sample sample = b.build();
            samples[index] = sample;
            boolean last = remaining.decrementAndGet() == 0;
            if (ended.get()) {
                return; // failed as a whole: the observer has its error
            }
            observer.onSample(sample);
            if (last && ended.compareAndSet(false, true)) {
                observer.onComplete(List.of(samples));
            }
        }
    }

    /** The protocol's form of an engine's log-probability. */
    public static dev.r1serve.proto.v1.TokenLogprob toProto(TokenLogprob lp) {
        var b = dev.r1serve.proto.v1.TokenLogprob.newBuilder()
                .setTokenId(lp.tokenId())
                .setLogprob(lp.logprob());
        for (TokenLogprob.Top t : lp.top()) {
            b.addTop(dev.r1serve.proto.v1.TopLogprob.newBuilder()
                    .setTokenId(t.tokenId())
                    .setLogprob(t.logprob()));
        }
        return b.build();
    }

    static FinishReason toProto(dev.r1serve.server.engine.FinishReason r) {
        return switch (r) {
            case STOP -> FinishReason.FINISH_REASON_STOP;
            case LENGTH -> FinishReason.FINISH_REASON_LENGTH;
            case EOS -> FinishReason.FINISH_REASON_EOS;
            case CANCELLED -> FinishReason.FINISH_REASON_CANCELLED;
            case ERROR -> FinishReason.FINISH_REASON_ERROR;
        };
    }
}
