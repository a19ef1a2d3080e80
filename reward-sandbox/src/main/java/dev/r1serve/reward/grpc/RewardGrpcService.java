package dev.r1serve.reward.grpc;

import dev.r1serve.proto.v1.RewardServiceGrpc;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.proto.v1.ScoreRequest;
import dev.r1serve.proto.v1.ScoreResponse;
import dev.r1serve.reward.Grpo;
import dev.r1serve.reward.RewardScorer;
import dev.r1serve.reward.sandbox.SandboxBusyException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * {@code r1.v1.RewardService} over a {@link RewardScorer}.
 *
 * <ul>
 *   <li>{@code Score}: every rollout is scored; groups whose {@code group_size} rollouts are all in the batch get
 *       GRPO advantages (with the request's {@code advantage} options), others are returned without one.
 *       Results are in request order.</li>
 *   <li>{@code ScoreStream}: rollouts stream in and are scored as they arrive; when a group's
 *       {@code group_size}-th rollout is scored, the whole group is sent back with advantages (groups may finish
 *       in any order; match results by {@code id}). The server reads only while it can keep up: it requests
 *       the next rollout while fewer than {@code maxInFlight} are being scored and its send queue is below
 *       {@code maxInFlight}, and sends only while the client's transport is ready. More than
 *       {@code maxPendingGroups} incomplete groups end the call with RESOURCE_EXHAUSTED. When the client
 *       half-closes, incomplete groups are sent back without advantages, then the call completes.</li>
 * </ul>
 */
public final class RewardGrpcService extends RewardServiceGrpc.RewardServiceImplBase {

    private static final Logger LOG = Logger.getLogger(RewardGrpcService.class.getName());

    private final RewardScorer scorer;
    private final Grpo.Options defaultAdvantage;
    private final int maxPendingGroups;
    private final int maxInFlight;
    private final Executor scoring;

    public RewardGrpcService(
            RewardScorer scorer,
            Grpo.Options defaultAdvantage,
            int maxPendingGroups,
            int maxInFlight,
            Executor scoring) {
        this.scorer = scorer;
        this.defaultAdvantage = defaultAdvantage;
        this.maxPendingGroups = maxPendingGroups;
        this.maxInFlight = maxInFlight;
        this.scoring = scoring;
    }

    private CompletableFuture<RolloutResult> scoreAsync(Rollout r) {
        return CompletableFuture.supplyAsync(() -> scorer.score(r), scoring).thenCompose(s -> s.toCompletableFuture());
    }

    @Override
    public void score(ScoreRequest request, StreamObserver<ScoreResponse> responses) {
        Grpo.Options adv;
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        try {
            adv = RolloutValidator.advantage(request.getAdvantage(), request.hasAdvantage(), defaultAdvantage);
            Map<String, Integer> sizes = new HashMap<>();
            Map<String, Set<String>> ids = new HashMap<>();
            for (int i = 0; i < request.getRolloutsCount(); i++) {
                Rollout r = request.getRollouts(i);
                String f = "rollouts[" + i + "]";
                RolloutValidator.validate(r, f);
                Integer size = sizes.putIfAbsent(r.getGroupId(), r.getGroupSize());
                if (size != null && size != r.getGroupSize()) {
                    throw RolloutValidator.invalid(f + ".group_size " + r.getGroupSize() + " differs from " + size
                            + " given earlier for group '" + r.getGroupId() + "'");
                }
                if (!ids.computeIfAbsent(r.getGroupId(), g -> new HashSet<>()).add(r.getId())) {
                    throw RolloutValidator.invalid(
                            f + ".id '" + r.getId() + "' is repeated in group '" + r.getGroupId() + "'");
                }
                List<Integer> members = groups.computeIfAbsent(r.getGroupId(), g -> new ArrayList<>());
                members.add(i);
                if (members.size() > r.getGroupSize()) {
                    throw RolloutValidator.invalid(f + ": group '" + r.getGroupId() + "' has more than group_size "
                            + r.getGroupSize() + " rollouts");
                }
            }
        } catch (StatusRuntimeException e) {
            responses.onError(e);
            return;
        }
        List<CompletableFuture<RolloutResult>> fs =
                request.getRolloutsList().stream().map(this::scoreAsync).toList();
        CompletableFuture.allOf(fs.toArray(CompletableFuture[]::new)).whenComplete((v, err) -> {
            if (err != null) {
                responses.onError(toStatus(err));
                return;
            }
            RolloutResult[] out = new RolloutResult[fs.size()];
            for (List<Integer> members : groups.values()) {
                List<RolloutResult> group =
                        members.stream().map(i -> fs.get(i).join()).toList();
                boolean complete =
                        members.size() == request.getRollouts(members.get(0)).getGroupSize();
                if (complete) group = RewardScorer.withAdvantages(group, adv);
                for (int k = 0; k < members.size(); k++) out[members.get(k)] = group.get(k);
            }
            responses.onNext(
                    ScoreResponse.newBuilder().addAllResults(List.of(out)).build());
            responses.onCompleted();
        });
    }

    @Override
    public StreamObserver<Rollout> scoreStream(StreamObserver<RolloutResult> responses) {
        ServerCallStreamObserver<RolloutResult> call = (ServerCallStreamObserver<RolloutResult>) responses;
        Session s = new Session(call);
        call.disableAutoRequest();
        call.setOnReadyHandler(s::drain);
        call.setOnCancelHandler(s::cancelled);
        call.request(1);
        return s;
    }

    static StatusRuntimeException toStatus(Throwable err) {
        Throwable t = err instanceof CompletionException && err.getCause() != null ? err.getCause() : err;
        if (t instanceof StatusRuntimeException s) return s;
        if (t instanceof SandboxBusyException) {
            return Status.RESOURCE_EXHAUSTED
                    .withDescription(t.getMessage() + "; retry later")
                    .asRuntimeException();
        }
        if (t instanceof IllegalArgumentException)
            return Status.INVALID_ARGUMENT.withDescription(t.getMessage()).asRuntimeException();
        LOG.log(Level.WARNING, "scoring failed", t);
        return Status.INTERNAL.withDescription("scoring failed: " + t).asRuntimeException();
    }

    /** One ScoreStream call. All state is guarded by the session's monitor. */
    private final class Session implements StreamObserver<Rollout> {
        private final ServerCallStreamObserver<RolloutResult> call;
        /** Incomplete groups by id, in arrival order. */
        private final Map<String, Group> groups = new LinkedHashMap<>();

        private final ArrayDeque<RolloutResult> outbox = new ArrayDeque<>();
        private int scoringNow;
        private boolean paused;
        private boolean halfClosed;
        private boolean done;
        private long received;

        Session(ServerCallStreamObserver<RolloutResult> call) {
            this.call = call;
        }

        private final class Group {
            final int size;
            final Set<String> ids = new HashSet<>();
            final List<RolloutResult> results = new ArrayList<>();

            Group(int size) {
                this.size = size;
            }
        }

        @Override
        public synchronized void onNext(Rollout r) {
            if (done) return;
            try {
                RolloutValidator.validate(r, "rollout #" + received);
            } catch (StatusRuntimeException e) {
                fail(e);
                return;
            }
            received++;
            Group g = groups.get(r.getGroupId());
            if (g == null) {
                if (groups.size() >= maxPendingGroups) {
                    fail(Status.RESOURCE_EXHAUSTED
                            .withDescription("more than " + maxPendingGroups
                                    + " incomplete groups pending; finish groups before starting new ones")
                            .asRuntimeException());
                    return;
                }
                g = new Group(r.getGroupSize());
                groups.put(r.getGroupId(), g);
            } else if (g.size != r.getGroupSize()) {
                fail(RolloutValidator.invalid("rollout '" + r.getId() + "'.group_size " + r.getGroupSize()
                        + " differs from " + g.size + " given earlier for group '" + r.getGroupId() + "'"));
                return;
            }
            if (!g.ids.add(r.getId())) {
                fail(RolloutValidator.invalid(
                        "rollout.id '" + r.getId() + "' is repeated in group '" + r.getGroupId() + "'"));
                return;
            }
            if (g.ids.size() > g.size) {
                fail(RolloutValidator.invalid(
                        "group '" + r.getGroupId() + "' got more than group_size " + g.size + " rollouts"));
                return;
            }
            Group group = g;
            scoringNow++;
            scoreAsync(r).whenComplete((res, err) -> scored(r.getGroupId(), group, res, err));
            requestMore();
        }

        private synchronized void scored(String groupId, Group g, RolloutResult res, Throwable err) {
            scoringNow--;
            if (done) return;
            if (err != null) {
                fail(toStatus(err));
                return;
            }
            g.results.add(res);
            if (g.results.size() == g.size) {
                if (groups.get(groupId) == g) groups.remove(groupId);
                outbox.addAll(RewardScorer.withAdvantages(g.results, advantageOptions()));
            }
            drain();
        }

        private Grpo.Options advantageOptions() {
            return defaultAdvantage;
        }

        /** Sends what the transport accepts now, then reads more if there is room, then completes if all is sent. */
        synchronized void drain() {
            if (done) return;
            while (!outbox.isEmpty() && call.isReady()) call.onNext(outbox.poll());
            if (paused) requestMore();
            if (halfClosed && scoringNow == 0) {
                // Groups that will never complete go back without advantages.
                for (Group g : groups.values()) outbox.addAll(g.results);
                groups.clear();
                while (!outbox.isEmpty() && call.isReady()) call.onNext(outbox.poll());
                if (outbox.isEmpty()) {
                    done = true;
                    call.onCompleted();
                }
            }
        }

        private void requestMore() {
            if (halfClosed) return;
            if (scoringNow < maxInFlight && outbox.size() < maxInFlight) {
                paused = false;
                call.request(1);
            } else {
                paused = true;
            }
        }

        private void fail(StatusRuntimeException e) {
            if (done) return;
            done = true;
            groups.clear();
            outbox.clear();
            call.onError(e);
        }

        @Override
        public synchronized void onError(Throwable t) {
            done = true;
            groups.clear();
            outbox.clear();
        }

        @Override
        public synchronized void onCompleted() {
            halfClosed = true;
            drain();
        }

        synchronized void cancelled() {
            done = true;
            groups.clear();
            outbox.clear();
        }
    }
}
