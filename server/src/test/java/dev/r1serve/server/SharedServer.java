package dev.r1serve.server;

import dev.r1serve.server.model.ModelRegistry;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A real server on a free loopback port that lives as long as the test JVM, with a plaintext channel to
 * it. Test JVMs share servers because java-llama.cpp leaks memory on every model load/close cycle.
 */
record SharedServer(R1Server server, ManagedChannel channel) {

    static SharedServer start(ModelRegistry models) {
        R1Server server;
        try {
            // With the OpenAI-compatible HTTP front on a free port too, so HTTP tests share the server.
            server = R1Server.onPort("127.0.0.1", 0, models, 64, ServerOptions.DEFAULTS.withHttpPort(0))
                    .start();
        } catch (IOException e) {
            models.close();
            throw new UncheckedIOException(e);
        }
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            channel.shutdownNow();
            server.close();
        }));
        return new SharedServer(server, channel);
    }
}
