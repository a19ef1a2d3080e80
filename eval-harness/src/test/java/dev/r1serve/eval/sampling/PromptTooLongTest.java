package dev.r1serve.eval.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.r1serve.client.R1Client;
import dev.r1serve.proto.errors.ErrorDetails;
import dev.r1serve.proto.errors.ErrorReason;
import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A prompt refused as longer than the context is told apart by the error contract, not by the message: gRPC's
 * ErrorInfo reason PROMPT_TOO_LONG, the OpenAI front's code {@code prompt_too_long}. Fake servers on loopback.
 */
class PromptTooLongTest {

    static final GenerateRequest REQUEST = GenerateRequest.newBuilder()
            .setModel("m")
            .setPrompt("a long prompt")
            .setSampling(SamplingParams.newBuilder().setN(3).setSeed(99).setMaxTokens(8))
            .build();

    /** A gRPC server whose every stream fails with {@code error}. */
    static Server refusing(Supplier<StatusRuntimeException> error) throws Exception {
        return ServerBuilder.forPort(0)
                .addService(new InferenceServiceGrpc.InferenceServiceImplBase() {
                    @Override
                    public void generateStream(GenerateRequest request, StreamObserver<GenerateChunk> out) {
                        out.onError(error.get());
                    }
                })
                .build()
                .start();
    }

    @Test
    void grpcErrorInfoReasonMarksThePromptTooLongWhateverTheMessage() throws Exception {
        Server server = refusing(() -> ErrorDetails.toException(
                Status.Code.INVALID_ARGUMENT,
                "prompt: 900 tokens, context 512",
                ErrorReason.PROMPT_TOO_LONG,
                Map.of(ErrorDetails.FIELD, "prompt"),
                -1));
        try (R1Client client = R1Client.connect("127.0.0.1:" + server.getPort())) {
            var stream = new SampleStream(client, REQUEST, Duration.ofSeconds(10), RetryPolicy.defaults());
            PromptTooLongException e = assertThrows(
                    PromptTooLongException.class, () -> stream.iterator().hasNext());
            assertEquals("prompt: 900 tokens, context 512", e.getMessage());
            assertEquals(
                    List.of(0, 1, 2),
                    e.unanswered().stream().map(Sample::getIndex).toList());
            for (Sample s : e.unanswered()) {
                assertEquals(99, s.getSeed());
                assertEquals(FinishReason.FINISH_REASON_ERROR, s.getFinishReason());
                assertEquals(e.getMessage(), s.getError());
            }
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void anotherInvalidArgumentIsNotTakenForATooLongPrompt() throws Exception {
        Server server = refusing(() -> ErrorDetails.toException(
                Status.Code.INVALID_ARGUMENT,
                "top_p must be in (0, 1], got 2",
                ErrorReason.INVALID_FIELD,
                Map.of(ErrorDetails.FIELD, "sampling.top_p"),
                -1));
        try (R1Client client = R1Client.connect("127.0.0.1:" + server.getPort())) {
            var stream = new SampleStream(client, REQUEST, Duration.ofSeconds(10), RetryPolicy.defaults());
            IllegalStateException e = assertThrows(
                    IllegalStateException.class, () -> stream.iterator().hasNext());
            assertTrue(e.getMessage().startsWith("INVALID_ARGUMENT after 1 attempt(s): top_p"), e.getMessage());
        } finally {
            server.shutdownNow();
        }
    }

    @Test
    void openAiErrorCodeMarksThePromptTooLongWithEachSamplesSeed() throws Exception {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/v1/chat/completions", ex -> {
            byte[] body = ("{\"error\":{\"message\":\"900 tokens do not fit 512\",\"type\":\"invalid_request_error\","
                            + "\"param\":\"messages\",\"code\":\"prompt_too_long\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(400, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        OpenAiEndpoint endpoint = OpenAiEndpoint.of(
                "http://127.0.0.1:" + http.getAddress().getPort() + "/v1", OpenAiEndpoint.Mode.CHAT, null);
        try (OpenAiSampler sampler = new OpenAiSampler(endpoint)) {
            var samples = sampler.samples(REQUEST, Set.of(1), Duration.ofSeconds(10), RetryPolicy.defaults())
                    .iterator();
            PromptTooLongException e = assertThrows(PromptTooLongException.class, samples::next);
            assertEquals("900 tokens do not fit 512", e.getMessage());
            assertEquals(
                    List.of(0, 2),
                    e.unanswered().stream().map(Sample::getIndex).toList(),
                    "sample 1 was recorded already");
            assertEquals(
                    List.of(OpenAiSampler.sampleSeed(99, 0), OpenAiSampler.sampleSeed(99, 2)),
                    e.unanswered().stream().map(Sample::getSeed).toList());
        } finally {
            http.stop(0);
        }
    }

    @Test
    void openAiFallsBackOnVllmsSentenceOnly() {
        assertTrue(
                OpenAiSampler.promptTooLong(
                        400,
                        "{\"error\":{\"message\":\"This model's maximum context length is 4096 tokens\"}}",
                        "This model's maximum context length is 4096 tokens"),
                "vLLM sends no code");
        assertFalse(OpenAiSampler.promptTooLong(
                400, "{\"error\":{\"message\":\"bad top_p\",\"code\":\"invalid_field\"}}", "bad top_p"));
        assertFalse(
                OpenAiSampler.promptTooLong(500, "{\"error\":{\"code\":\"prompt_too_long\"}}", ""),
                "only a 400 refuses the prompt");
    }
}
