package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.ListModelsRequest;
import dev.r1serve.proto.v1.PromptTokenIds;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.proto.v1.TokenLogprob;
import dev.r1serve.proto.v1.TopLogprob;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The embedded engine's log-probabilities over gRPC, on stories260K's real weights: one per sampled token, for
 * that token, from the model's raw logits (vLLM's {@code raw_logprobs}); checked against the engine's own draws
 * at temperature 1 and against the same positions computed again from token-id prompts.
 */
class LlamaLogprobsTest {

    private static GenerateRequest.Builder request(SamplingParams.Builder sampling, int top) {
        return GenerateRequest.newBuilder()
                .setModel(TestServer.STORIES)
                .setPrompt("Once upon a time")
                .setSampling(sampling)
                .setOptions(GenerateOptions.newBuilder()
                        .setReturnLogprobs(true)
                        .setTopLogprobs(top)
                        .setReturnTokenIds(true)
                        .setReturnPromptTokenIds(true));
    }

    @Test
    void greedyLogprobsAreTheSampledTokensAndItsAlternativesMostLikelyFirst() {
        Sample s = TestServer.stub()
                .generate(request(SamplingParams.newBuilder().setTemperature(0).setMaxTokens(24), 5)
                        .build())
                .getSamples(0);
        assertEquals("raw_logprobs", s.getLogprobsMode());
        assertEquals(s.getUsage().getCompletionTokens(), s.getLogprobsCount());
        assertEquals(s.getTokenIdsCount(), s.getLogprobsCount());
        for (int i = 0; i < s.getLogprobsCount(); i++) {
            TokenLogprob lp = s.getLogprobs(i);
            assertEquals(s.getTokenIds(i), lp.getTokenId(), "position " + i);
            assertEquals(5, lp.getTopCount());
            // greedy draws the most likely token: it is the first alternative, with the same logprob
            assertEquals(lp.getTokenId(), lp.getTop(0).getTokenId(), "position " + i);
            assertEquals(lp.getLogprob(), lp.getTop(0).getLogprob(), "position " + i);
            double mass = 0;
            for (int j = 0; j < lp.getTopCount(); j++) {
                TopLogprob t = lp.getTop(j);
                assertTrue(t.getLogprob() <= 0);
                if (j > 0) assertTrue(t.getLogprob() <= lp.getTop(j - 1).getLogprob(), "most likely first");
                mass += Math.exp(t.getLogprob());
            }
            assertTrue(mass <= 1 + 1e-5, "five of a distribution: " + mass);
        }
    }

    /** Each position's logprobs belong to that position: a prompt of the ids before it gives the same ones. */
    @Test
    void eachPositionMatchesTheSamePositionComputedAgainFromTokenIds() {
        Sample s = TestServer.stub()
                .generate(request(
                                SamplingParams.newBuilder()
                                        .setTemperature(1)
                                        .setTopP(1)
                                        .setSeed(3)
                                        .setMaxTokens(12),
                                3)
                        .build())
                .getSamples(0);
        assertTrue(s.getLogprobsCount() >= 4, s.toString());
        for (int k : new int[] {0, 1, s.getLogprobsCount() / 2, s.getLogprobsCount() - 1}) {
            List<Integer> prefix = new ArrayList<>(s.getPromptTokenIdsList());
            prefix.addAll(s.getTokenIdsList().subList(0, k));
            Sample again = TestServer.stub()
                    .generate(GenerateRequest.newBuilder()
                            .setModel(TestServer.STORIES)
                            .setPromptTokenIds(PromptTokenIds.newBuilder().addAllIds(prefix))
                            .setSampling(SamplingParams.newBuilder()
                                    .setTemperature(0)
                                    .setMaxTokens(1))
                            .setOptions(GenerateOptions.newBuilder()
                                    .setReturnLogprobs(true)
                                    .setTopLogprobs(3))
                            .build())
                    .getSamples(0);
            List<TopLogprob> first = s.getLogprobs(k).getTopList();
            List<TopLogprob> second = again.getLogprobs(0).getTopList();
            for (int j = 0; j < 3; j++) {
                assertEquals(first.get(j).getTokenId(), second.get(j).getTokenId(), "position " + k);
                assertEquals(first.get(j).getLogprob(), second.get(j).getLogprob(), 1e-3, "position " + k);
            }
        }
    }

    /**
     * At temperature 1 with no top-p, top-k or min-p, raw logprobs are the distribution the engine draws from:
     * over 1,024 next tokens the counts of the likely ones stay within five standard deviations of exp(logprob).
     */
    @Test
    void atTemperatureOneTheDrawsFollowTheReportedProbabilities() {
        Map<Integer, Integer> counts = new HashMap<>();
        Map<Integer, Float> reported = new HashMap<>();
        int draws = 0;
        for (int r = 0; r < 16; r++) {
            GenerateRequest req = request(
                            SamplingParams.newBuilder()
                                    .setTemperature(1)
                                    .setTopP(1)
                                    .setTopK(0)
                                    .setMinP(0)
                                    .setSeed(1000L * r + 1)
                                    .setN(64)
                                    .setMaxTokens(1),
                            8)
                    .setPrompt("She was very") // a flat next-token distribution: eight tokens above 2%
                    .build();
            for (Sample s : TestServer.stub().generate(req).getSamplesList()) {
                TokenLogprob lp = s.getLogprobs(0);
                counts.merge(lp.getTokenId(), 1, Integer::sum);
                for (TopLogprob t : lp.getTopList()) {
                    Float before = reported.put(t.getTokenId(), t.getLogprob());
                    if (before != null) assertEquals(before, t.getLogprob(), 1e-4, "the same position every time");
                }
                draws++;
            }
        }
        assertEquals(1024, draws);
        int checked = 0;
        for (var e : reported.entrySet()) {
            double p = Math.exp(e.getValue());
            if (p < 0.02) continue;
            double observed = counts.getOrDefault(e.getKey(), 0) / (double) draws;
            double sd = Math.sqrt(p * (1 - p) / draws);
            assertTrue(
                    Math.abs(observed - p) <= 5 * sd,
                    "token " + e.getKey() + ": drawn " + observed + ", reported p " + p + " (sd " + sd + ")");
            checked++;
            System.out.printf("token %d: reported p %.4f, drawn %.4f (sd %.4f)%n", e.getKey(), p, observed, sd);
        }
        assertTrue(checked >= 5, "too few likely tokens to check: " + reported);
    }

    @Test
    void streamedChunksCarryTheLogprobsOfTheirOwnTokens() {
        Iterator<GenerateChunk> chunks = TestServer.stub()
                .generateStream(
                        request(SamplingParams.newBuilder().setTemperature(0).setMaxTokens(16), 0)
                                .build());
        List<Integer> ids = new ArrayList<>();
        List<Integer> logprobIds = new ArrayList<>();
        Sample whole = null;
        while (chunks.hasNext()) {
            GenerateChunk c = chunks.next();
            ids.addAll(c.getTokenIdsList());
            c.getLogprobsList().forEach(lp -> logprobIds.add(lp.getTokenId()));
            assertEquals(c.getTokenIdsCount(), c.getLogprobsCount(), c.toString());
            if (c.hasFinal()) whole = c.getFinal();
        }
        assertFalse(ids.isEmpty());
        assertEquals(ids, logprobIds);
        if (whole != null) assertEquals(ids, whole.getTokenIdsList());
    }

    @Test
    void listModelsSaysTheEmbeddedEngineHasRawLogprobs() {
        var info = TestServer.stub().listModels(ListModelsRequest.getDefaultInstance()).getModelsList().stream()
                .filter(x -> x.getName().equals(TestServer.STORIES))
                .findFirst()
                .orElseThrow();
        assertTrue(info.getCapabilities().getLogprobs());
        assertEquals("", info.getCapabilities().getLogprobsUnavailableReason());
    }

    /** Moved here from the removed refusal test: a prompt of ids is the prompt its text tokenizes to. */
    @Test
    void promptTokenIdsGiveTheSameSampleAsTheTextTheyTokenizeTo() {
        SamplingParams.Builder s = SamplingParams.newBuilder().setTemperature(0).setMaxTokens(8);
        Sample fromText = TestServer.stub()
                .generate(GenerateRequest.newBuilder()
                        .setModel(TestServer.STORIES)
                        .setPrompt("Once upon a time")
                        .setSampling(s)
                        .setOptions(GenerateOptions.newBuilder()
                                .setReturnPromptTokenIds(true)
                                .setReturnTokenIds(true))
                        .build())
                .getSamples(0);
        List<Integer> ids = fromText.getPromptTokenIdsList();
        assertFalse(ids.isEmpty());
        Sample fromIds = TestServer.stub()
                .generate(GenerateRequest.newBuilder()
                        .setModel(TestServer.STORIES)
                        .setPromptTokenIds(PromptTokenIds.newBuilder().addAllIds(ids))
                        .setSampling(s)
                        .setOptions(GenerateOptions.newBuilder()
                                .setReturnPromptTokenIds(true)
                                .setReturnTokenIds(true))
                        .build())
                .getSamples(0);
        assertEquals(ids, fromIds.getPromptTokenIdsList());
        assertEquals(fromText.getText(), fromIds.getText());
        assertEquals(fromText.getTokenIdsList(), fromIds.getTokenIdsList());
    }
}
