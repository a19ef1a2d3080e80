package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.GenerateResponse;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.config.ModelConfig;
import dev.r1serve.server.gguf.GgufReader;
import dev.r1serve.server.model.ModelLoader;
import dev.r1serve.server.tokenizer.RealTokenizers;
import dev.r1serve.testkit.ByteLevelBpeVocab;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The embedded engine counts the tokens it sampled and returns their ids, on real vocabularies with random
 * weights (which sample byte tokens and partial UTF-8 all the time): a LENGTH finish with max_tokens N reports
 * exactly N tokens and N ids, and each streamed chunk's ids decode to exactly its text.
 */
class ExactTokenAccountingTest {

    static final int N = 32;
    static R1Server server;
    static io.grpc.ManagedChannel channel;
    static InferenceServiceGrpc.InferenceServiceBlockingStub stub;
    static List<String> tokens;
    static int[] types;

    @BeforeAll
    static void start() throws IOException {
        var gguf = RealTokenizers.r1DistillQwenTiny();
        GgufReader reader = GgufReader.read(gguf);
        tokens = reader.getStringArray("tokenizer.ggml.tokens");
        types = reader.getIntArray("tokenizer.ggml.token_type");
        server = R1Server.onPort(
                        "127.0.0.1",
                        0,
                        ModelLoader.loadAll(List.of(ModelConfig.llamaCpp("r1", gguf.toString(), "none", 512, 4, 1))),
                        64,
                        ServerOptions.DEFAULTS)
                .start();
        channel = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", server.port())
                .usePlaintext()
                .build();
        stub = InferenceServiceGrpc.newBlockingStub(channel);
    }

    @AfterAll
    static void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (server != null) {
            server.close();
        }
    }

    private static GenerateRequest request(int n, long seed) {
        return request(n, seed, N);
    }

    private static GenerateRequest request(int n, long seed, int maxTokens) {
        return GenerateRequest.newBuilder()
                .setModel("r1")
                .setPrompt("Once upon a time, 从前有")
                .setSampling(SamplingParams.newBuilder()
                        .setTemperature(1.5f)
                        .setTopP(1)
                        .setMaxTokens(maxTokens)
                        .setN(n)
                        .setSeed(seed))
                .setOptions(GenerateOptions.newBuilder().setReturnTokenIds(true))
                .build();
    }

    @Test
    void lengthFinishReportsExactlyMaxTokensTokensAndIds() {
        GenerateResponse r = stub.generate(request(6, 7));
        int lengths = 0;
        for (Sample s : r.getSamplesList()) {
            assertEquals(s.getUsage().getCompletionTokens(), s.getTokenIdsCount(), "one id per counted token");
            assertEquals(s.getText(), decode(s.getTokenIdsList()), "the ids spell the text");
            if (s.getFinishReason() == FinishReason.FINISH_REASON_LENGTH) {
                lengths++;
                assertEquals(N, s.getUsage().getCompletionTokens());
                assertEquals(N, s.getTokenIdsCount());
            }
        }
        assertTrue(lengths >= 4, "random weights rarely sample an end token: " + lengths + " of 6 hit the limit");
    }

    @Test
    void eachStreamedChunkCarriesTheIdsBehindItsTextEvenForCharactersSplitOverTokens() {
        Map<Integer, Integer> ids = new HashMap<>();
        int multiTokenChunks = 0;
        int finals = 0;
        // with logprobs on the 151k vocabulary: one per id, in the same chunk, also where a chunk holds several
        GenerateRequest withLogprobs = request(4, 11, 128).toBuilder()
                .setOptions(GenerateOptions.newBuilder()
                        .setReturnTokenIds(true)
                        .setReturnLogprobs(true)
                        .setTopLogprobs(2))
                .build();
        for (Iterator<GenerateChunk> it = stub.generateStream(withLogprobs); it.hasNext(); ) {
            GenerateChunk c = it.next();
            if (c.hasFinal()) {
                finals++;
                Sample s = c.getFinal();
                assertEquals(s.getUsage().getCompletionTokens(), (int) ids.getOrDefault(s.getIndex(), 0));
                assertEquals(s.getTokenIdsCount(), s.getLogprobsCount());
                continue;
            }
            assertEquals(c.getTextDelta(), decode(c.getTokenIdsList()), "chunk " + c.getTokenIdsList());
            assertEquals(c.getTokenIdsCount(), c.getLogprobsCount(), c.toString());
            for (int i = 0; i < c.getTokenIdsCount(); i++) {
                assertEquals(c.getTokenIds(i), c.getLogprobs(i).getTokenId());
                assertEquals(2, c.getLogprobs(i).getTopCount());
                assertTrue(c.getLogprobs(i).getLogprob()
                        <= c.getLogprobs(i).getTop(0).getLogprob() + 1e-6);
            }
            ids.merge(c.getIndex(), c.getTokenIdsCount(), Integer::sum);
            if (c.getTokenIdsCount() > 1) {
                multiTokenChunks++;
            }
        }
        assertEquals(4, finals);
        assertTrue(multiTokenChunks > 0, "some tokens ended inside a character and came with the next one");
    }

    @Test
    void samplesOfOneRequestShareTheirPromptAndSayHowMuchWasCached() {
        List<Integer> cached = new ArrayList<>();
        GenerateResponse r = stub.generate(request(4, 3).toBuilder()
                .setPrompt("a shared prompt ".repeat(20))
                .build());
        for (Sample s : r.getSamplesList()) {
            assertEquals(
                    s.getUsage().getPromptTokens(),
                    s.getTimings().getPromptTokensComputed() + s.getTimings().getPromptTokensCached());
            cached.add(s.getTimings().getPromptTokensCached());
        }
        int prompt = r.getSamples(0).getUsage().getPromptTokens();
        // One sample evaluates the prompt; the others reuse all of it but the last token (decoded for its logits).
        assertEquals(3, cached.stream().filter(c -> c == prompt - 1).count(), cached + " of " + prompt);
    }

    private static String decode(List<Integer> ids) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int id : ids) {
            bytes.writeBytes(
                    types[id] == ByteLevelBpeVocab.TYPE_NORMAL
                            ? ByteLevelBpeVocab.decodeBytes(tokens.get(id))
                            : types[id] == ByteLevelBpeVocab.TYPE_USER_DEFINED
                                    ? tokens.get(id).getBytes(StandardCharsets.UTF_8)
                                    : new byte[0]);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
