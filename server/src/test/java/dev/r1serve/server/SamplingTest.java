package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.GenerateResponse;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Seeds, n samples, stop strings and max_tokens through the real server. */
class SamplingTest {

    private static List<String> texts(GenerateResponse r) {
        return r.getSamplesList().stream().map(Sample::getText).toList();
    }

    @Test
    void sameSeedGivesTheSameSamplesAndOtherSeedsDifferentOnes() {
        SamplingParams.Builder p = SamplingParams.newBuilder()
                .setTemperature(1.0f)
                .setMaxTokens(40)
                .setN(3);
        List<String> a = texts(TestServer.stub()
                .generate(TestServer.stories(p.clone().setSeed(7)).build()));
        List<String> b = texts(TestServer.stub()
                .generate(TestServer.stories(p.clone().setSeed(7)).build()));
        List<String> c = texts(TestServer.stub()
                .generate(TestServer.stories(p.clone().setSeed(8)).build()));
        assertEquals(a, b);
        assertNotEquals(a, c);
    }

    @Test
    void sampleZeroUsesTheRequestSeedSoAnySampleCanBeReproducedAlone() {
        SamplingParams.Builder p =
                SamplingParams.newBuilder().setTemperature(1.0f).setMaxTokens(30);
        GenerateResponse four = TestServer.stub()
                .generate(TestServer.stories(p.clone().setSeed(11).setN(4)).build());
        assertEquals(11, four.getSamples(0).getSeed());
        Sample third = four.getSamples(2);
        Sample alone = TestServer.stub()
                .generate(TestServer.stories(p.clone().setSeed(third.getSeed())).build())
                .getSamples(0);
        assertEquals(third.getText(), alone.getText());
    }

    @Test
    void eightSamplesComeBackIndexedAndDistinct() {
        GenerateResponse r = TestServer.stub()
                .generate(TestServer.stories(SamplingParams.newBuilder()
                                .setTemperature(1.0f)
                                .setMaxTokens(40)
                                .setN(8)
                                .setSeed(3))
                        .build());
        assertEquals(8, r.getSamplesCount());
        Set<String> distinct = new HashSet<>();
        Set<Long> seeds = new HashSet<>();
        for (int i = 0; i < 8; i++) {
            assertEquals(i, r.getSamples(i).getIndex());
            distinct.add(r.getSamples(i).getText());
            seeds.add(r.getSamples(i).getSeed());
        }
        assertEquals(8, distinct.size());
        assertEquals(8, seeds.size());
    }

    @Test
    void streamedSamplesInterleaveButEachEndsWithOneFinalChunk() {
        List<GenerateChunk> chunks = TestServer.drain(TestServer.stub()
                .generateStream(TestServer.stories(SamplingParams.newBuilder()
                                .setTemperature(1.0f)
                                .setMaxTokens(20)
                                .setN(5)
                                .setSeed(9))
                        .build()));
        Map<Integer, StringBuilder> texts = new HashMap<>();
        Map<Integer, Sample> finals = new HashMap<>();
        for (GenerateChunk c : chunks) {
            assertFalse(finals.containsKey(c.getIndex()), "no chunk after a sample's final chunk");
            if (c.hasFinal()) {
                finals.put(c.getIndex(), c.getFinal());
            } else {
                texts.computeIfAbsent(c.getIndex(), i -> new StringBuilder()).append(c.getTextDelta());
            }
        }
        assertEquals(Set.of(0, 1, 2, 3, 4), finals.keySet());
        finals.forEach((i, s) -> assertEquals(s.getText(), texts.get(i).toString()));
    }

    @Test
    void stopStringEndsTheSampleAndNeverLeaksIntoTheStream() {
        List<GenerateChunk> chunks = TestServer.drain(TestServer.stub()
                .generateStream(TestServer.stories(SamplingParams.newBuilder()
                                .setTemperature(0)
                                .setMaxTokens(60)
                                .addStop("little girl"))
                        .build()));
        StringBuilder streamed = new StringBuilder();
        for (GenerateChunk c : chunks) {
            assertFalse(c.getTextDelta().contains("lit"), "partial stop string streamed: " + c.getTextDelta());
            streamed.append(c.getTextDelta());
        }
        Sample s = chunks.get(chunks.size() - 1).getFinal();
        assertEquals(" Once upon a time, there was a ", s.getText());
        assertEquals(s.getText(), streamed.toString());
        assertEquals(FinishReason.FINISH_REASON_STOP, s.getFinishReason());
    }

    @Test
    void aHeldBackPrefixThatIsNotAStopStringIsReleased() {
        // " Once upon a time, there was a little girl" — "a lion" shares the prefix "a li" with "a little".
        Sample s = TestServer.stub()
                .generate(TestServer.stories(SamplingParams.newBuilder()
                                .setTemperature(0)
                                .setMaxTokens(12)
                                .addStop("a lion"))
                        .build())
                .getSamples(0);
        assertTrue(s.getText().startsWith(" Once upon a time, there was a little"), s.getText());
        assertEquals(FinishReason.FINISH_REASON_LENGTH, s.getFinishReason());
    }

    @Test
    void maxTokensBoundsEverySample() {
        GenerateResponse r = TestServer.stub()
                .generate(TestServer.stories(SamplingParams.newBuilder()
                                .setMaxTokens(5)
                                .setN(3)
                                .setSeed(1))
                        .build());
        for (Sample s : r.getSamplesList()) {
            assertEquals(5, s.getUsage().getCompletionTokens());
            assertEquals(FinishReason.FINISH_REASON_LENGTH, s.getFinishReason());
        }
    }

    @Test
    void unsetSeedIsDrawnAndReported() {
        Sample s = TestServer.stub()
                .generate(TestServer.stories(SamplingParams.newBuilder().setMaxTokens(3))
                        .build())
                .getSamples(0);
        assertTrue(s.getSeed() >= 0 && s.getSeed() < 0xFFFFFFFFL);
    }

    @Test
    void tokenIdsComeBackWhenAskedFor() {
        GenerateRequest request = TestServer.stories(
                        SamplingParams.newBuilder().setTemperature(0).setMaxTokens(60))
                .setOptions(GenerateOptions.newBuilder().setReturnTokenIds(true))
                .build();
        Sample s = TestServer.stub().generate(request).getSamples(0);
        assertEquals(60, s.getTokenIdsCount());
        assertEquals(List.of(403, 407, 261), s.getTokenIdsList().subList(0, 3)); // " Once", " upon", " a"
        List<GenerateChunk> chunks = TestServer.drain(TestServer.stub().generateStream(request));
        assertEquals(
                s.getTokenIdsList(),
                chunks.stream().flatMap(c -> c.getTokenIdsList().stream()).toList());
    }
}
