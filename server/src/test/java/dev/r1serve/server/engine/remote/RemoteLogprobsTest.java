package dev.r1serve.server.engine.remote;

import static dev.r1serve.server.engine.remote.ScriptedBackend.stream;
import static dev.r1serve.server.engine.remote.ScriptedBackend.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.ListModelsRequest;
import dev.r1serve.proto.v1.PromptTokenIds;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.R1Server;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.model.ModelLoader;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Token ids and log-probabilities through the remote engine, over gRPC, from a scripted backend that
 * answers in vLLM's exact /v1/completions streaming shape ({@code return_token_ids},
 * {@code logprobs: k} with {@code return_tokens_as_token_ids}).
 */
class RemoteLogprobsTest {

    /** Two chunks as vLLM 0.10.2+ streams them: the first carries prompt_token_ids, each its token_ids and logprobs. */
    private static final String VLLM_STREAM = """
            data: {"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":"4","logprobs":{"text_offset":[0],"token_logprobs":[-0.105],"tokens":["token_id:19"],"top_logprobs":[{"token_id:19":-0.105,"token_id:20":-2.3}]},"finish_reason":null,"stop_reason":null,"prompt_token_ids":[7,8,9],"token_ids":[19]}],"usage":null}

            data: {"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[{"index":0,"text":"2","logprobs":{"text_offset":[1],"token_logprobs":[-0.01],"tokens":["token_id:17"],"top_logprobs":[{"token_id:17":-0.01,"token_id:18":-4.75}]},"finish_reason":"stop","stop_reason":null,"token_ids":[17]}],"usage":null}

            data: {"id":"cmpl-1","object":"text_completion","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":3,"total_tokens":5,"completion_tokens":2}}

            data: [DONE]

            """;

    @Test
    void logprobsAndTokenIdsComeBackFromAVllmShapedBackend() throws Exception {
        try (ScriptedBackend b = new ScriptedBackend()
                        .on("/tokenize", (ex, body) -> {
                            byte[] out = "{\"count\":3,\"max_model_len\":4096,\"tokens\":[7,8,9]}".getBytes();
                            ex.sendResponseHeaders(200, out.length);
                            ex.getResponseBody().write(out);
                        })
                        .on("/v1/completions", (ex, body) -> {
                            OutputStream out = stream(ex, "text/event-stream");
                            write(out, VLLM_STREAM);
                        });
                R1Server server = R1Server.onPort(
                                "127.0.0.1",
                                0,
                                ModelLoader.loadAll(List.of(ModelConfig.remote(
                                        "gpu", "openai", List.of(b.uri().toString()), "m", "none", 4096, 4))),
                                64)
                        .start()) {
            ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                    .usePlaintext()
                    .build();
            try {
                var stub = InferenceServiceGrpc.newBlockingStub(ch).withDeadlineAfter(20, TimeUnit.SECONDS);
                var caps = stub.listModels(ListModelsRequest.getDefaultInstance())
                        .getModels(0)
                        .getCapabilities();
                assertTrue(caps.getLogprobs() && caps.getTokenIds() && caps.getPromptTokenIds());

                Sample s = stub.generate(GenerateRequest.newBuilder()
                                .setModel("gpu")
                                .setPromptTokenIds(PromptTokenIds.newBuilder().addAllIds(List.of(7, 8, 9)))
                                .setSampling(SamplingParams.newBuilder()
                                        .setMaxTokens(8)
                                        .setSeed(3))
                                .setOptions(GenerateOptions.newBuilder()
                                        .setReturnTokenIds(true)
                                        .setReturnLogprobs(true)
                                        .setTopLogprobs(1)
                                        .setReturnPromptTokenIds(true))
                                .build())
                        .getSamples(0);
                assertEquals("42", s.getText());
                assertEquals(List.of(19, 17), s.getTokenIdsList());
                assertEquals(List.of(7, 8, 9), s.getPromptTokenIdsList());
                assertEquals(2, s.getLogprobsCount());
                assertEquals(19, s.getLogprobs(0).getTokenId());
                assertEquals(-0.105f, s.getLogprobs(0).getLogprob(), 1e-6);
                assertEquals(20, s.getLogprobs(0).getTop(1).getTokenId());
                assertEquals(-4.75f, s.getLogprobs(1).getTop(1).getLogprob(), 1e-6);
                assertEquals("raw_logprobs", s.getLogprobsMode());

                JsonNode req = StreamPiece.JSON.readTree(b.bodies.get(b.bodies.size() - 1));
                assertEquals(
                        List.of(7, 8, 9),
                        List.of(
                                req.get("prompt").get(0).asInt(),
                                req.get("prompt").get(1).asInt(),
                                req.get("prompt").get(2).asInt()),
                        "the prompt goes as token ids");
                assertEquals(1, req.get("logprobs").asInt());
                assertTrue(req.get("return_token_ids").asBoolean());
                assertTrue(req.get("return_tokens_as_token_ids").asBoolean());
            } finally {
                ch.shutdownNow();
            }
        }
    }
}
