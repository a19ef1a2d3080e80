package dev.r1serve.server.engine.llamacpp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.model.BuiltinModels;
import dev.r1serve.server.model.ModelLoader;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Two embedded models in one server decode on the one decode thread, so the process holds one OpenMP team
 * ({@link DecodeThread} says why that matters): OpenMP's workers are named after the thread that started their
 * team, and none carries an engine thread's name. Both models stream their exact token counts at the same time.
 */
class OneDecodeThreadTest {

    @Test
    void twoModelsStreamingAtOnceDecodeOnOneThreadAndKeepExactCounts() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux /proc to read thread names");
        try (R1Server server = R1Server.onPort(
                        "127.0.0.1",
                        0,
                        ModelLoader.loadAll(List.of(
                                ModelConfig.llamaCpp("omp-a", BuiltinModels.STORIES_260K, null, null, 2, 2),
                                ModelConfig.llamaCpp("omp-b", BuiltinModels.STORIES_260K, null, null, 2, 2))),
                        64)
                .start()) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .usePlaintext()
                    .build();
            var client = InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
            List<CompletableFuture<Integer>> counts = new ArrayList<>();
            for (String model : List.of("omp-a", "omp-b", "omp-a", "omp-b")) {
                counts.add(CompletableFuture.supplyAsync(() -> streamedTokens(client, model)));
            }
            for (CompletableFuture<Integer> c : counts) {
                assertEquals(48, c.get());
            }
            List<String> names = threadNames();
            assertEquals(1, names.stream().filter("llama.cpp-omp-a"::equals).count(), names.toString());
            assertEquals(1, names.stream().filter("llama.cpp-omp-b"::equals).count(), names.toString());
            // the decode thread and its OpenMP worker (Linux keeps 15 characters of a thread's name)
            assertTrue(names.stream().filter("llama.cpp-decod"::equals).count() >= 2, names.toString());
            channel.shutdownNow();
        }
    }

    /** Completion tokens the final chunk reports, after checking the stream carried text. */
    private static int streamedTokens(InferenceServiceGrpc.InferenceServiceBlockingStub client, String model) {
        GenerateRequest request = GenerateRequest.newBuilder()
                .setModel(model)
                .setPrompt("Once upon a time")
                .setSampling(SamplingParams.newBuilder()
                        .setTemperature(1)
                        .setMaxTokens(48)
                        .setSeed(7))
                .build();
        StringBuilder text = new StringBuilder();
        int tokens = -1;
        for (Iterator<GenerateChunk> it = client.generateStream(request); it.hasNext(); ) {
            GenerateChunk c = it.next();
            if (c.hasFinal()) {
                tokens = c.getFinal().getUsage().getCompletionTokens();
            } else {
                text.append(c.getTextDelta());
            }
        }
        assertTrue(text.length() > 0, "no text streamed from " + model);
        return tokens;
    }

    private static List<String> threadNames() throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : tasks.toList()) {
                try {
                    names.add(Files.readString(t.resolve("comm")).strip());
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return names;
    }
}
