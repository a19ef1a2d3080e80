package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.errors.ErrorDetails;
import dev.r1serve.proto.errors.ErrorReason;
import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.ListModelsRequest;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.config.ServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine added as a plug-in ({@code engine.scripted}, one provider class and a service file) is
 * configured in YAML, served over real gRPC, and gets from the layers above it what every engine gets:
 * stop strings, LENGTH vs EOS, the prompt checked against its context, the error model, draining.
 */
class EnginePluginTest {

    @TempDir
    Path dir;

    private R1Server launch(String models) throws IOException {
        Path f = Files.writeString(dir.resolve("r1.yaml"), "host: 127.0.0.1\nport: 0\nmodels:\n" + models);
        return R1Server.launch(ServerConfig.read(f));
    }

    private static GenerateRequest request(String model, String prompt, SamplingParams.Builder s) {
        return GenerateRequest.newBuilder()
                .setModel(model)
                .setPrompt(prompt)
                .setSampling(s)
                .build();
    }

    @Test
    void aPluginEngineIsConfiguredServedAndGetsStopsAndLengthFromAbove() throws Exception {
        try (R1Server server = launch("""
                  - name: echo
                    engine: scripted
                    options: {replies: ["The answer is 42. END of story"], slots: 2, contextLength: 64}
                """)) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .usePlaintext()
                    .build();
            try {
                var stub = InferenceServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS);
                var info =
                        stub.listModels(ListModelsRequest.getDefaultInstance()).getModels(0);
                assertEquals("scripted", info.getEngine());
                assertEquals(2, info.getSlots());

                Sample stopped = stub.generate(request(
                                "echo",
                                "Q?",
                                SamplingParams.newBuilder().setMaxTokens(40).addStop(" END")))
                        .getSamples(0);
                assertEquals(FinishReason.FINISH_REASON_STOP, stopped.getFinishReason());
                assertEquals("The answer is 42.", stopped.getText());

                Sample eos = stub.generate(request(
                                "echo",
                                "Q?",
                                SamplingParams.newBuilder().setMaxTokens(40).addStop("never")))
                        .getSamples(0);
                assertEquals(FinishReason.FINISH_REASON_EOS, eos.getFinishReason());
                assertEquals("The answer is 42. END of story", eos.getText());

                Sample cut = stub.generate(request(
                                "echo", "Q?", SamplingParams.newBuilder().setMaxTokens(6)))
                        .getSamples(0);
                assertEquals(FinishReason.FINISH_REASON_LENGTH, cut.getFinishReason());
                assertEquals("The an", cut.getText());
                assertEquals(6, cut.getUsage().getCompletionTokens());
                assertEquals(2, cut.getUsage().getPromptTokens()); // a token per character

                StatusRuntimeException tooLong = assertThrows(
                        StatusRuntimeException.class,
                        () -> stub.generate(request(
                                "echo",
                                "x".repeat(64),
                                SamplingParams.newBuilder().setMaxTokens(1))));
                assertEquals(Status.Code.INVALID_ARGUMENT, tooLong.getStatus().getCode());
                assertEquals(
                        ErrorReason.PROMPT_TOO_LONG,
                        ErrorDetails.reason(tooLong).orElseThrow());
                assertEquals(
                        "prompt", ErrorDetails.errorInfo(tooLong).orElseThrow().getMetadataOrThrow("field"));
                assertTrue(
                        tooLong.getStatus().getDescription().startsWith("prompt: the prompt has 64 tokens"),
                        tooLong.getStatus().getDescription());

                StatusRuntimeException badField = assertThrows(
                        StatusRuntimeException.class,
                        () -> stub.generate(request(
                                "echo", "Q?", SamplingParams.newBuilder().setTopP(2))));
                assertEquals(
                        ErrorReason.INVALID_FIELD, ErrorDetails.reason(badField).orElseThrow());
                assertEquals(
                        "sampling.top_p",
                        ErrorDetails.errorInfo(badField).orElseThrow().getMetadataOrThrow("field"));

                StatusRuntimeException missing = assertThrows(
                        StatusRuntimeException.class,
                        () -> stub.generate(request("nope", "Q?", SamplingParams.newBuilder())));
                assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
                assertEquals(
                        ErrorReason.MODEL_NOT_FOUND,
                        ErrorDetails.reason(missing).orElseThrow());
            } finally {
                ch.shutdownNow();
            }
        }
    }

    @Test
    void pluginSettingsAreBoundToItsOwnRecordAndMistakesNamed() throws IOException {
        Path f = Files.writeString(dir.resolve("bad.yaml"), """
                models:
                  - name: echo
                    engine: scripted
                    options: {replies: [a], slotz: 2}
                """);
        IOException e = assertThrows(IOException.class, () -> ServerConfig.read(f));
        assertTrue(e.getMessage().contains("unknown setting 'slotz' for engine scripted"), e.getMessage());
        Path g = Files.writeString(dir.resolve("none.yaml"), "models:\n  - name: echo\n    engine: scripted\n");
        IOException noReplies = assertThrows(IOException.class, () -> ServerConfig.read(g));
        assertTrue(noReplies.getMessage().contains("replies is required"), noReplies.getMessage());
        Path h = Files.writeString(dir.resolve("kind.yaml"), "models:\n  - name: x\n    engine: vllm-direct\n");
        IOException unknown = assertThrows(IOException.class, () -> ServerConfig.read(h));
        assertTrue(
                unknown.getMessage()
                        .contains("unknown engine 'vllm-direct' (expected one of llama.cpp, openai, "
                                + "openai-chat, lmi, scripted)"),
                unknown.getMessage());
    }

    /** Draining: calls whose samples never reached a slot end at once with UNAVAILABLE (DRAINING), not CANCELLED. */
    @Test
    void whileDrainingCallsThatNeverStartedAreUnavailable() throws Exception {
        R1Server server = launch("""
                  - name: busy
                    engine: scripted
                    options: {replies: [x], slots: 1, hold: true}
                """);
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        // Blocking calls on threads of their own (the common pool may have a single thread on 2 cores).
        var callers = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        try {
            var stub = InferenceServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS);
            CompletableFuture<Object> running = CompletableFuture.supplyAsync(() -> call(stub, "busy"), callers);
            awaitTrue(
                    () -> server.models().find("busy").orElseThrow().scheduler().runningSequences() == 1);
            CompletableFuture<Object> queued = CompletableFuture.supplyAsync(() -> call(stub, "busy"), callers);
            awaitTrue(
                    () -> server.models().find("busy").orElseThrow().scheduler().waitingSequences() == 1);
            long t0 = System.nanoTime();
            CompletableFuture.runAsync(() -> server.drain(Duration.ofSeconds(2)), callers);
            Object refused = queued.get(10, TimeUnit.SECONDS);
            assertTrue(refused instanceof StatusRuntimeException, String.valueOf(refused));
            StatusRuntimeException e = (StatusRuntimeException) refused;
            assertEquals(
                    Status.Code.UNAVAILABLE,
                    e.getStatus().getCode(),
                    e.getStatus().toString());
            assertEquals(ErrorReason.DRAINING, ErrorDetails.reason(e).orElseThrow());
            assertTrue(ErrorDetails.retryAfterMillis(e).isPresent());
            assertTrue(
                    System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1),
                    "refused at once, not after the drain timeout");
            // The running call was in flight: it had the drain timeout to finish, then was cancelled.
            Object ran = running.get(10, TimeUnit.SECONDS);
            assertTrue(
                    ran instanceof Sample s && s.getFinishReason() == FinishReason.FINISH_REASON_CANCELLED
                            || ran instanceof StatusRuntimeException,
                    String.valueOf(ran));
        } finally {
            ch.shutdownNow();
            server.close();
            callers.shutdownNow();
        }
    }

    private static Object call(InferenceServiceGrpc.InferenceServiceBlockingStub stub, String model) {
        try {
            return stub.generate(
                            request(model, "Q?", SamplingParams.newBuilder().setMaxTokens(8)))
                    .getSamples(0);
        } catch (StatusRuntimeException e) {
            return e;
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > until) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
