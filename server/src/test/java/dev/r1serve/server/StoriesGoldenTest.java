package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateResponse;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The real trained stories260K checkpoint, converted by our GGUF code and run by llama.cpp behind the
 * gRPC server, reproduces llama2.c's greedy output exactly: converter, engine and server are right.
 */
class StoriesGoldenTest {

    /** The first 60 greedy tokens from BOS, as published with llama2.c (see the model's README). */
    static final String GOLDEN = " Once upon a time, there was a little girl named Lily. She loved to play outside in"
            + " the park. One day, she saw a big, red ball. She wanted to play with it, but it was too high";

    private static SamplingParams.Builder greedy60() {
        return SamplingParams.newBuilder().setTemperature(0).setMaxTokens(60);
    }

    @Test
    void greedyDecodingFromBosReproducesTheGoldenTextThroughGenerate() {
        GenerateResponse r =
                TestServer.stub().generate(TestServer.stories(greedy60()).build());
        Sample s = r.getSamples(0);
        assertEquals(GOLDEN, s.getText());
        assertEquals(FinishReason.FINISH_REASON_LENGTH, s.getFinishReason());
        assertEquals(60, s.getUsage().getCompletionTokens());
        assertEquals(GOLDEN.strip(), s.getAnswer(), "a model without think tags answers with all its text");
        assertEquals("", s.getReasoning());
    }

    @Test
    void streamedDeltasConcatenateToTheGoldenText() {
        List<GenerateChunk> chunks = TestServer.drain(
                TestServer.stub().generateStream(TestServer.stories(greedy60()).build()));
        StringBuilder text = new StringBuilder();
        for (GenerateChunk c : chunks.subList(0, chunks.size() - 1)) {
            assertEquals(0, c.getIndex());
            text.append(c.getTextDelta());
        }
        assertEquals(GOLDEN, text.toString());
        GenerateChunk last = chunks.get(chunks.size() - 1);
        assertEquals(GOLDEN, last.getFinal().getText());
        assertEquals(60, last.getFinal().getUsage().getCompletionTokens());
    }

    @Test
    void aStoryEndsWithEosWhenTheModelEndsIt() {
        // The model ends a story by emitting BOS, which the converter marks end-of-turn.
        Sample s = TestServer.stub()
                .generate(TestServer.stories(
                                SamplingParams.newBuilder().setSeed(5).setMaxTokens(500))
                        .build())
                .getSamples(0);
        assertEquals(FinishReason.FINISH_REASON_EOS, s.getFinishReason(), s.getText());
        org.junit.jupiter.api.Assertions.assertTrue(s.getUsage().getCompletionTokens() < 500);
    }
}
