package dev.r1serve.server;

import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.model.BuiltinModels;
import dev.r1serve.server.model.ModelLoader;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * One real r1-serve server per test JVM, on a free loopback port, hosting the bundled stories260K model
 * (models are loaded once per process: java-llama.cpp leaks memory on every load/close cycle).
 */
public final class TestServer {

    public static final String STORIES = "stories";

    private static R1Server server;
    private static ManagedChannel channel;

    private TestServer() {}

    public static synchronized R1Server get() {
        if (server == null) {
            SharedServer shared = SharedServer.start(ModelLoader.loadAll(
                    List.of(ModelConfig.llamaCpp(STORIES, BuiltinModels.STORIES_260K, null, null, 4, 2))));
            server = shared.server();
            channel = shared.channel();
        }
        return server;
    }

    public static ManagedChannel channel() {
        get();
        return channel;
    }

    public static InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
        return InferenceServiceGrpc.newBlockingStub(channel());
    }

    public static GenerateRequest.Builder stories(SamplingParams.Builder sampling) {
        return GenerateRequest.newBuilder().setModel(STORIES).setPrompt("").setSampling(sampling);
    }

    public static List<GenerateChunk> drain(Iterator<GenerateChunk> it) {
        List<GenerateChunk> chunks = new ArrayList<>();
        it.forEachRemaining(chunks::add);
        return chunks;
    }
}
