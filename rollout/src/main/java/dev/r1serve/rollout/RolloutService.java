package dev.r1serve.rollout;

import dev.r1serve.proto.v1.RolloutGroup;
import dev.r1serve.proto.v1.RolloutRequest;
import dev.r1serve.proto.v1.RolloutServiceGrpc;
import dev.r1serve.reward.RewardScorer;
import dev.r1serve.reward.grpc.RewardServer;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.generation.GenerationService;
import dev.r1serve.server.validation.RequestValidator;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Executor;

/**
 * {@code r1.v1.RolloutService} over the server's generations and the RewardService's scorer: each
 * {@code RolloutRequest} is validated (as Generate is, and as the RewardService checks a rollout), sampled as one
 * request with n = G, each sample scored as it finishes, and the group sent back with GRPO advantages once all G
 * are scored. See {@link RolloutStream} for what one call does.
 *
 * <pre>{@code
 * RewardServer.Mounted rewards = RewardServer.mountable(RewardServer.Config.loopback(0));
 * R1Server server = R1Server.launch(config, List.of(rewards.service()),
 *         List.of(RolloutService.factory(rewards, RolloutConfig.DEFAULT)));
 * }</pre>
 */
public final class RolloutService extends RolloutServiceGrpc.RolloutServiceImplBase {

    /** The service's full name, as health reports it. */
    public static final String SERVICE = RolloutServiceGrpc.SERVICE_NAME;

    private final GenerationService generations;
    private final RequestValidator validator;
    private final RewardScorer scorer;
    private final Executor scoring;
    private final RolloutConfig config;

    public RolloutService(
            GenerationService generations,
            RequestValidator validator,
            RewardScorer scorer,
            Executor scoring,
            RolloutConfig config) {
        this.generations = generations;
        this.validator = validator;
        this.scorer = scorer;
        this.scoring = scoring;
        this.config = config;
    }

    /** Builds the service on the server's generations and {@code rewards}' scorer and scoring threads. */
    public static R1Server.ServiceFactory factory(RewardServer.Mounted rewards, RolloutConfig config) {
        return (generations, validator) ->
                new RolloutService(generations, validator, rewards.scorer(), rewards.scoring(), config);
    }

    @Override
    public StreamObserver<RolloutRequest> rollouts(StreamObserver<RolloutGroup> responses) {
        var call = (ServerCallStreamObserver<RolloutGroup>) responses;
        RolloutStream stream = new RolloutStream(call, generations, validator, scorer, scoring, config);
        stream.start();
        return stream;
    }
}
