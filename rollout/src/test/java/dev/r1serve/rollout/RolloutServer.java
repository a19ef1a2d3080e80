package dev.r1serve.rollout;

import dev.r1serve.reward.RewardOptions;
import dev.r1serve.reward.grpc.RewardServer;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.ServerOptions;
import dev.r1serve.server.chat.ChatTemplate;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelRegistry;
import dev.r1serve.server.scheduling.Scheduler;
import dev.r1serve.server.scheduling.SchedulerConfig;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A real r1-serve on a free loopback port: model "m" on a {@link ScriptedModel}, the RewardService and the RolloutService. */
final class RolloutServer implements AutoCloseable {

    final ScriptedModel model;
    final RewardServer.Mounted rewards;
    final R1Server server;
    final HostedModel hosted;
    final ManagedChannel channel;

    RolloutServer(ScriptedModel model, RewardOptions rewardOptions, RolloutConfig config) throws IOException {
        this.model = model;
        this.rewards = RewardServer.mountable(RewardServer.Config.loopback(0).toBuilder()
                .rewards(rewardOptions)
                .sandboxWorkers(1)
                .build());
        this.hosted = new HostedModel(
                "m", "scripted", model, ChatTemplate.PLAIN, 256, new Scheduler(model, SchedulerConfig.defaults()));
        ModelRegistry registry = new ModelRegistry().add(hosted);
        this.server = R1Server.onPort(
                        "127.0.0.1",
                        0,
                        registry,
                        64,
                        ServerOptions.DEFAULTS,
                        List.of((g, v) -> rewards.service(), RolloutService.factory(rewards, config)))
                .start();
        this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
    }

    RolloutServer(ScriptedModel model, RolloutConfig config) throws IOException {
        this(model, RewardOptions.DEFAULT, config);
    }

    String target() {
        return "127.0.0.1:" + server.port();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        server.close();
        rewards.close();
    }
}
