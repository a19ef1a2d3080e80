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
import dev.r1serve.server.scheduling.Scheduler;
import dev.r1serve.server.validation.ValidGenerateRequest;
import io.grpc.Deadline;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs one validated request: fans its n samples out as n engine sequences (sample i seeded with
 * {@link ValidGenerateRequest#sampleSeed(int)}), assembles each sample's text, reasoning split, usage and
 * timings, and reports to an {@link Observer}. {@link #cancel()} cancels every sequence still running.
 */
public final class Generation {

    /** Receives a generation's output; calls for one sample are ordered, samples interleave. */
    public interface Observer {
        /** New text of sample {@code index}. */
        void onDelta(int index, String text, int[] tokenIds);

        /** Sample {@code index} is complete. */
        void onSample(Sample sample);

        /** Every sample is complete; called once, after the last {@link #onSample}. */
        void onComplete(List<Sample> samples);
    }

    private final ValidGenerateRequest request;
    private final Observer observer;
    private final long startNanos = System.nanoTime();
    private final List<SequenceHandle> handles = new ArrayList<>();
    private final Sample[] samples;
    private final AtomicInteger remaining;
    private volatile boolean cancelled;

    private Generation(ValidGenerateRequest request, Observer observer) {
        this.request = request;
        this.observer = observer;
        this.samples = new Sample[request.n()];
        this.remaining = new AtomicInteger(request.n());
    }

    /**
     * Queues the request's sequences with its model's scheduler and returns at once.
     *
     * @param client who sent it, for fairness across clients
     * @param deadline when the call expires; sequences still queued then never reach the engine
     * @throws dev.r1serve.server.scheduling.OverloadedException when the model's queue is full
     */
    public static Generation start(ValidGenerateRequest request, Observer observer, String client, Deadline deadline) {
        return start(request, observer, client, deadline, () -> false);
    }

    /** Like {@link #start(ValidGenerateRequest, Observer, String, Deadline)}; {@code abandoned} says the caller left. */
    public static Generation start(ValidGenerateRequest request, Observer observer, String client, Deadline deadline,
                                   java.util.function.BooleanSupplier abandoned) {
        Generation g = new Generation(request, observer);
        List<Scheduler.Job> jobs = new ArrayList<>(request.n());
        for (int i = 0; i < request.n(); i++) {
            long seed = request.sampleSeed(i);
            SequenceSpec spec = new SequenceSpec(request.prompt(), request.temperature(), request.topP(),
                    request.topK(), request.minP(), request.frequencyPenalty(), request.presencePenalty(), seed,
                    request.maxTokens(), request.stop(), request.returnTokenIds(), request.chat(), request.promptPieces());
            jobs.add(new Scheduler.Job(spec, g.new SampleAssembler(i, seed)));
        }
        List<SequenceHandle> submitted = request.model().scheduler().submit(jobs, request.priority(), client, deadline,
                abandoned);
        synchronized (g.handles) {
            g.handles.addAll(submitted);
        }
        if (g.cancelled) {
            g.cancel();
        }
        return g;
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

    private double msSinceStart(long nanos) {
        return (nanos - startNanos) / 1e6;
    }

    /** Collects one sample's output. Engine callbacks for one sequence come from one thread. */
    private final class SampleAssembler implements SequenceListener {
        private final int index;
        private final long seed;
        private final StringBuilder text = new StringBuilder();
        private final List<Integer> tokenIds = new ArrayList<>();
        private long startedNanos;
        private long firstTokenNanos;

        SampleAssembler(int index, long seed) {
            this.index = index;
            this.seed = seed;
        }

        @Override
        public void onStart() {
            startedNanos = System.nanoTime();
        }

        @Override
        public void onText(String delta, int[] ids) {
            if (firstTokenNanos == 0) {
                firstTokenNanos = System.nanoTime();
            }
            text.append(delta);
            for (int id : ids) {
                tokenIds.add(id);
            }
            observer.onDelta(index, delta, ids);
        }

        @Override
        public void onFinish(SequenceResult result) {
            long end = System.nanoTime();
            String full = text.toString();
            ReasoningSplit split = ReasoningSplit.of(full, request.thinkPrefilled());
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
                            .setCompletionTokens(result.completionTokens()))
                    .setSeed(seed)
                    .addAllTokenIds(tokenIds)
                    .setTimings(Timings.newBuilder()
                            .setQueueMs(msSinceStart(started))
                            .setTimeToFirstTokenMs(msSinceStart(first))
                            .setDecodeMs((end - first) / 1e6)
                            .setTotalMs(msSinceStart(end)));
            if (result.error() != null) {
                b.setError(result.error());
            }
            Sample sample = b.build();
            samples[index] = sample;
            observer.onSample(sample);
            if (remaining.decrementAndGet() == 0) {
                observer.onComplete(List.of(samples));
            }
        }
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
