package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.errors.ErrorDetails;
import dev.r1serve.proto.errors.ErrorReason;
import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.ListModelsRequest;
import dev.r1serve.proto.v1.PromptTokenIds;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.proto.v1.TokenLogprob;
import dev.r1serve.server.config.ServerConfig;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a trainer streams rollouts with, over real gRPC, on the scripted plug-in engine (a token per
 * character, ids are char codes): the thinking budget cut at exactly N reasoning tokens with the answer
 * still written in the same sample, token ids both ways, log-probabilities, and the capability refusals.
 */
class RolloutFieldsTest {

    @TempDir
    static Path dir;

    private static R1Server server;
    private static ManagedChannel channel;

    @BeforeAll
    static void start() throws Exception {
        Path f = Files.writeString(dir.resolve("r1.yaml"), """
                host: 127.0.0.1
                port: 0
                models:
                  - name: thinker
                    engine: scripted
                    options: {replies: ["<think>abcdefghijklmnopqrstuvwxyz"], answer: "42", tokens: true, contextLength: 128}
                  - name: texty
                    engine: scripted
                    options: {replies: ["plain"]}
                """);
        server = R1Server.launch(ServerConfig.read(f));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
    }

    @AfterAll
    static void stop() {
        channel.shutdownNow();
        server.close();
    }

    private static InferenceServiceGrpc.InferenceServiceBlockingStub stub() {
        return InferenceServiceGrpc.newBlockingStub(channel).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private static GenerateRequest.Builder thinker(SamplingParams.Builder s, GenerateOptions.Builder o) {
        return GenerateRequest.newBuilder()
                .setModel("thinker")
                .setPrompt("Q")
                .setSampling(s)
                .setOptions(o);
    }

    private static String decode(List<Integer> ids) {
        StringBuilder b = new StringBuilder();
        ids.forEach(id -> b.append((char) id.intValue()));
        return b.toString();
    }

    @Test
    void aThinkingBudgetCutsAtExactlyNReasoningTokensAndTheAnswerIsStillWritten() {
        Sample s = stub().generate(thinker(
                                SamplingParams.newBuilder()
                                        .setMaxThinkingTokens(5)
                                        .setMaxTokens(100),
                                GenerateOptions.newBuilder().setReturnTokenIds(true))
                        .build())
                .getSamples(0);
        assertEquals("<think>abcde\n</think>\n\n42", s.getText());
        assertEquals("abcde", s.getReasoning());
        assertEquals("42", s.getAnswer());
        assertEquals(5, s.getUsage().getReasoningTokens());
        assertTrue(s.getThinkingBudgetReached());
        assertEquals(FinishReason.FINISH_REASON_EOS, s.getFinishReason());
        // 7 for <think>, 5 reasoning, 11 inserted, 2 of answer: all generated tokens, all in token_ids.
        assertEquals(25, s.getUsage().getCompletionTokens());
        assertEquals(s.getText(), decode(s.getTokenIdsList()), "token_ids spell the whole sample");
    }

    @Test
    void theBudgetedSampleStreamsAsOneSample() {
        Iterator<GenerateChunk> it = stub().generateStream(
                        thinker(SamplingParams.newBuilder().setMaxThinkingTokens(3), GenerateOptions.newBuilder())
                                .build());
        StringBuilder text = new StringBuilder();
        Sample last = null;
        while (it.hasNext()) {
            GenerateChunk c = it.next();
            text.append(c.getTextDelta());
            if (c.hasFinal()) {
                last = c.getFinal();
            }
        }
        assertEquals("<think>abc\n</think>\n\n42", text.toString());
        assertEquals(text.toString(), last.getText());
        assertEquals(3, last.getUsage().getReasoningTokens());
    }

    @Test
    void withoutABudgetReasoningTokensAreCountedAndNothingIsCut() {
        Sample s = stub().generate(thinker(SamplingParams.newBuilder().setMaxTokens(12), GenerateOptions.newBuilder())
                        .build())
                .getSamples(0);
        assertEquals("<think>abcde", s.getText());
        assertEquals(5, s.getUsage().getReasoningTokens());
        assertFalse(s.getThinkingBudgetReached());
        assertEquals(FinishReason.FINISH_REASON_LENGTH, s.getFinishReason());
    }

    @Test
    void promptTokenIdsRoundTripAndGeneratedIdsMatchTheText() {
        GenerateRequest r = GenerateRequest.newBuilder()
                .setModel("thinker")
                .setPromptTokenIds(PromptTokenIds.newBuilder().addAllIds(List.of(72, 105)))
                .setSampling(SamplingParams.newBuilder().setMaxTokens(9))
                .setOptions(GenerateOptions.newBuilder()
                        .setReturnPromptTokenIds(true)
                        .setReturnTokenIds(true)
                        .setReturnLogprobs(true)
                        .setTopLogprobs(1))
                .build();
        Sample s = stub().generate(r).getSamples(0);
        assertEquals(List.of(72, 105), s.getPromptTokenIdsList());
        assertEquals(2, s.getUsage().getPromptTokens());
        assertEquals("<think>ab", s.getText());
        assertEquals(s.getText(), decode(s.getTokenIdsList()));
        assertEquals(s.getTokenIdsCount(), s.getLogprobsCount());
        TokenLogprob first = s.getLogprobs(0);
        assertEquals('<', first.getTokenId());
        assertEquals(-0.25f, first.getLogprob());
        assertEquals(1, first.getTopCount());
        assertEquals("processed_logprobs", s.getLogprobsMode());
    }

    @Test
    void promptTokenIdsAreCheckedAgainstTheVocabularyAndTheContext() {
        var outside = assertThrows(
                StatusRuntimeException.class,
                () -> stub().generate(GenerateRequest.newBuilder()
                        .setModel("thinker")
                        .setPromptTokenIds(PromptTokenIds.newBuilder().addAllIds(List.of(72, 256)))
                        .build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, outside.getStatus().getCode());
        assertTrue(
                outside.getStatus().getDescription().startsWith("prompt_token_ids.ids[1]:"),
                outside.getStatus().getDescription());
        var tooLong = assertThrows(
                StatusRuntimeException.class,
                () -> stub().generate(GenerateRequest.newBuilder()
                        .setModel("thinker")
                        .setPromptTokenIds(
                                PromptTokenIds.newBuilder().addAllIds(java.util.Collections.nCopies(128, 65)))
                        .build()));
        assertEquals(ErrorReason.PROMPT_TOO_LONG, ErrorDetails.reason(tooLong).orElseThrow());
    }

    @Test
    void fieldsTheEngineCannotServeAreRefusedByNameAndListModelsSaysSo() {
        for (GenerateRequest r : List.of(
                GenerateRequest.newBuilder()
                        .setModel("texty")
                        .setPrompt("x")
                        .setOptions(GenerateOptions.newBuilder().setReturnLogprobs(true))
                        .build(),
                GenerateRequest.newBuilder()
                        .setModel("texty")
                        .setPromptTokenIds(PromptTokenIds.newBuilder().addIds(1))
                        .build())) {
            var e = assertThrows(StatusRuntimeException.class, () -> stub().generate(r));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
            assertEquals(ErrorReason.UNSUPPORTED, ErrorDetails.reason(e).orElseThrow());
            assertTrue(
                    e.getStatus().getDescription().contains("'texty'"),
                    e.getStatus().getDescription());
        }
        var models = stub().listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
        var thinker = models.stream()
                .filter(m -> m.getName().equals("thinker"))
                .findFirst()
                .orElseThrow();
        assertTrue(thinker.getCapabilities().getLogprobs()
                && thinker.getCapabilities().getPromptTokenIds());
        var texty = models.stream()
                .filter(m -> m.getName().equals("texty"))
                .findFirst()
                .orElseThrow();
        assertFalse(texty.getCapabilities().getLogprobs());
    }
}
