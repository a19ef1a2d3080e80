package dev.r1serve.rollout;

import dev.r1serve.proto.v1.RolloutGroup;
import dev.r1serve.proto.v1.RolloutRequest;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.proto.v1.RolloutSample;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.reward.Grpo;
import dev.r1serve.reward.RewardScorer;
import dev.r1serve.reward.sandbox.RunScope;
import dev.r1serve.reward.sandbox.SandboxBusyException;
import dev.r1serve.server.api.GrpcErrors;
import dev.r1serve.server.error.ServerException;
import dev.r1serve.server.generation.Generation;
import dev.r1serve.server.generation.GenerationService;
import dev.r1serve.server.generation.PreparedPrompt;
import dev.r1serve.server.scheduling.ClientId;
import dev.r1serve.server.validation.RequestValidator;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One Rollouts call. Each request starts a generation of its G samples at once (the caller's deadline, client and
 * priority apply as in Generate); each sample is scored on the reward threads as soon as it finishes, and when
 * the G-th is scored the group gets its advantages and joins the send queue, written only while the transport is
 * ready. A group counts as in flight from its request until it is written: a request beyond
 * {@link RolloutConfig#maxGroupsInFlight()} ends the call with RESOURCE_EXHAUSTED, as does a refusal of a group's
 * generation (OVERLOADED, ...) or of its scoring (sandbox queue full), with the group's id in the
 * {@code r1-rollout-id} trailer. When the call ends early (cancelled, deadline, an error), every generation still
 * running is cancelled and the stream's sandbox runs with them. After the client half-closes, the call completes
 * once every group is sent.
 *
 * <p>State is guarded by this object's monitor; generations are cancelled outside it, since their
 * cancellation reports back through the same observers.
 */
final class RolloutStream implements StreamObserver<RolloutRequest> {

    /** Trailer naming the group whose failure ended the call. */
    static final Metadata.Key<String> ROLLOUT_ID = Metadata.Key.of("r1-rollout-id", Metadata.ASCII_STRING_MARSHALLER);

    private static final Logger LOG = Logger.getLogger(RolloutStream.class.getName());

    private final ServerCallStreamObserver<RolloutGroup> call;
    private final GenerationService generations;
    private final RequestValidator validator;
    private final RewardScorer scorer;
    private final Executor scoring;
    private final RolloutConfig config;
    private final GenerationService.Caller caller;
    /** Cancelled with the call: queued runs end unstarted, running ones are killed. */
    private final RunScope sandboxRuns = new RunScope();
    /** Groups sampling or scoring, by id. */
    private final Map<String, Group> groups = new LinkedHashMap<>();

    private final ArrayDeque<RolloutGroup> outbox = new ArrayDeque<>();
    private boolean halfClosed;
    private boolean done;

    RolloutStream(
            ServerCallStreamObserver<RolloutGroup> call,
            GenerationService generations,
            RequestValidator validator,
            RewardScorer scorer,
            Executor scoring,
            RolloutConfig config) {
        this.call = call;
        this.generations = generations;
        this.validator = validator;
        this.scorer = scorer;
        this.scoring = scoring;
        this.config = config;
        Context context = Context.current();
        // The context turns cancelled on the network thread as soon as the client leaves: queued sequences of a
        // departed caller are then skipped without engine work, as for Generate.
        this.caller = new GenerationService.Caller(ClientId.current(), context.getDeadline(), context::isCancelled);
    }

    void start() {
        call.setOnReadyHandler(this::drain);
        call.setOnCancelHandler(() -> end(null, null));
    }

    /** One group: its generation's observer, and the scored samples so far. */
    private final class Group implements Generation.Observer {
        final ValidRollout request;
        final RolloutSample[] scored;
        int scoredCount;
        volatile String prompt = "";
        Generation generation;

        Group(ValidRollout request) {
            this.request = request;
            this.scored = new RolloutSample[request.generation().n()];
        }

        @Override
        public void onPrepared(PreparedPrompt p) {
            prompt = p.text();
        }

        @Override
        public void onDelta(int index, String text, int[] tokenIds) {}

        @Override
        public void onSample(Sample sample) {
            score(this, sample);
        }

        @Override
        public void onComplete(List<Sample> samples) {
            // the group is complete when its last sample is scored
        }

        @Override
        public void onError(ServerException error) {
            end(
                    GrpcErrors.toStatusException(ValidRollout.underGenerate(
                            error, request.generation().model())),
                    this);
        }
    }

    @Override
    public void onNext(RolloutRequest r) {
        Group g;
        synchronized (this) {
            if (done) return;
            try {
                ValidRollout v = ValidRollout.of(r, validator, config.advantage());
                if (groups.containsKey(v.id())) {
                    throw new ServerException.InvalidField(
                            "id", "'" + v.id() + "' is already in flight on this stream");
                }
                int inFlight = groups.size() + outbox.size();
                if (inFlight >= config.maxGroupsInFlight()) {
                    throw new ServerException.Overloaded(
                            "more than " + config.maxGroupsInFlight()
                                    + " groups in flight on one Rollouts stream; send the next request when a group comes back",
                            -1);
                }
                g = new Group(v);
            } catch (ServerException e) {
                failLater(GrpcErrors.toStatusException(e), r.getId());
                g = null;
            }
            if (g != null) groups.put(g.request.id(), g);
        }
        if (g == null) {
            end(null, null);
            return;
        }
        Generation generation = generations.submit(g.request.generation(), caller, g);
        boolean cancel;
        synchronized (this) {
            g.generation = generation;
            cancel = done;
        }
        if (cancel) generation.cancel();
    }

    /** Scores one sample on the reward threads; the group goes out when its last sample is scored. */
    private void score(Group g, Sample sample) {
        synchronized (this) {
            if (done) return; // a sample cancelled with the call
        }
        CompletableFuture.supplyAsync(() -> scorer.score(g.request.rollout(sample, g.prompt), sandboxRuns), scoring)
                .thenCompose(s -> s.toCompletableFuture())
                .whenComplete((result, err) -> scored(g, sample, result, err));
    }

    private void scored(Group g, Sample sample, RolloutResult result, Throwable err) {
        synchronized (this) {
            if (done) return;
            if (err == null) {
                g.scored[sample.getIndex()] = RolloutSample.newBuilder()
                        .setSample(sample)
                        .addAllRewards(result.getRewardsList())
                        .setTotal(result.getTotal())
                        .build();
                if (++g.scoredCount == g.scored.length) {
                    groups.remove(g.request.id());
                    outbox.add(withAdvantages(g));
                }
            }
        }
        if (err != null) {
            end(scoringFailure(err), g);
        } else {
            drain();
        }
    }

    private static RolloutGroup withAdvantages(Group g) {
        double[] totals = new double[g.scored.length];
        for (int i = 0; i < totals.length; i++) totals[i] = g.scored[i].getTotal();
        double[] a = Grpo.advantages(totals, g.request.advantage());
        RolloutGroup.Builder b = RolloutGroup.newBuilder().setId(g.request.id());
        for (int i = 0; i < totals.length; i++)
            b.addSamples(g.scored[i].toBuilder().setAdvantage(a[i]));
        return b.build();
    }

    private static StatusRuntimeException scoringFailure(Throwable err) {
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (t instanceof SandboxBusyException) {
            return Status.RESOURCE_EXHAUSTED
                    .withDescription(t.getMessage() + "; retry later")
                    .asRuntimeException();
        }
        if (t instanceof IllegalArgumentException) {
            return Status.INVALID_ARGUMENT.withDescription(t.getMessage()).asRuntimeException();
        }
        if (t instanceof CancellationException) {
            return Status.CANCELLED.withDescription("scoring cancelled").asRuntimeException();
        }
        LOG.log(Level.WARNING, "scoring a rollout failed", t);
        return Status.INTERNAL.withDescription("scoring failed: " + t).asRuntimeException();
    }

    /** Sends what the transport accepts now; completes the call once the client half-closed and all is sent. */
    private void drain() {
        synchronized (this) {
            if (done) return;
            while (!outbox.isEmpty() && call.isReady()) call.onNext(outbox.poll());
            if (halfClosed && groups.isEmpty() && outbox.isEmpty()) {
                done = true;
                call.onCompleted();
            }
        }
    }

    private StatusRuntimeException pendingError;

    /** Under the lock: remembers the error that ends the call; {@link #end} sends it. */
    private void failLater(StatusRuntimeException e, String groupId) {
        if (pendingError == null) pendingError = withGroup(e, groupId);
    }

    /**
     * Ends the call: with {@code error} (or the pending one) unless the client already left, then cancels every
     * generation still running and the stream's sandbox runs.
     */
    private void end(StatusRuntimeException error, Group cause) {
        List<Generation> running = new ArrayList<>();
        synchronized (this) {
            if (error != null) failLater(error, cause == null ? "" : cause.request.id());
            if (!done) {
                done = true;
                if (pendingError != null && !call.isCancelled()) call.onError(pendingError);
            }
            for (Group g : groups.values()) {
                if (g.generation != null) running.add(g.generation);
            }
            groups.clear();
            outbox.clear();
        }
        running.forEach(Generation::cancel);
        sandboxRuns.cancel();
    }

    private static StatusRuntimeException withGroup(StatusRuntimeException e, String groupId) {
        if (groupId == null || groupId.isEmpty()) return e;
        Metadata trailers = new Metadata();
        if (e.getTrailers() != null) trailers.merge(e.getTrailers());
        trailers.put(ROLLOUT_ID, groupId.chars().allMatch(c -> c >= 0x20 && c < 0x7f) ? groupId : "(not ASCII)");
        return new StatusRuntimeException(e.getStatus(), trailers);
    }

    @Override
    public void onError(Throwable t) {
        end(null, null); // the client cancelled or failed its side
    }

    @Override
    public void onCompleted() {
        synchronized (this) {
            halfClosed = true;
        }
        drain();
    }
}
