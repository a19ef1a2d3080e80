package dev.r1serve.server.engine.llamacpp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.r1serve.server.engine.TokenLogprob;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The log-softmax and top-k selection against the plain computation: every value, sorted by a full sort. */
class RawLogprobsTest {

    @Test
    void matchesTheLogSoftmaxAndAFullSortOnARealSizedVocabulary() {
        Random random = new Random(7);
        float[] logits = new float[151_936];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (random.nextGaussian() * 4);
        }
        logits[1234] = 40; // a peaked position, as trained models have
        logits[99] = 40; // tied with it: the lower id first
        double norm = 0;
        for (float x : logits) {
            norm += Math.exp(x);
        }
        double logNorm = Math.log(norm);
        TokenLogprob lp = RawLogprobs.of(logits, 5, 20);
        assertEquals(logits[5] - logNorm, lp.logprob(), 1e-4);
        int[] expected = IntStream.range(0, logits.length)
                .boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> -logits[i]).thenComparingInt(i -> i))
                .limit(20)
                .mapToInt(Integer::intValue)
                .toArray();
        assertArrayEquals(
                expected, lp.top().stream().mapToInt(TokenLogprob.Top::tokenId).toArray());
        assertEquals(99, lp.top().get(0).tokenId());
        for (TokenLogprob.Top t : lp.top()) {
            assertEquals(logits[t.tokenId()] - logNorm, t.logprob(), 1e-4);
        }
    }

    @Test
    void largeLogitsDoNotOverflowAndNoTopIsEmpty() {
        float[] logits = {1000f, 1000f, Float.NEGATIVE_INFINITY};
        TokenLogprob lp = RawLogprobs.of(logits, 0, 0);
        assertEquals(Math.log(0.5), lp.logprob(), 1e-6);
        assertEquals(0, lp.top().size());
        assertEquals(Float.NEGATIVE_INFINITY, RawLogprobs.of(logits, 2, 3).logprob());
        assertEquals(3, RawLogprobs.of(logits, 2, 5).top().size(), "at most the vocabulary");
    }
}
