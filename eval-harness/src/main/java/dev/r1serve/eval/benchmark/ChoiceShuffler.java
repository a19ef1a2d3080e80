package dev.r1serve.eval.benchmark;

import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * Seeded option shuffles for multiple-choice questions whose published order leaks the answer (GPQA lists the
 * correct answer first). Every (run seed, question, sample) triple gets its own uniformly random permutation
 * (Fisher–Yates on a {@link SplittableRandom} seeded from the triple), so reruns and resumed runs show each
 * sample exactly the same options, and the correct option lands on each letter equally often.
 */
public final class ChoiceShuffler {

    private ChoiceShuffler() {}

    /** {@code result[displayed] = canonical index}, a uniformly random permutation of {@code 0..n-1}. */
    public static int[] permutation(long seed, String questionId, int sample, int n) {
        SplittableRandom rng = new SplittableRandom(mix(seed, questionId, sample));
        int[] order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }

    /**
     * A 64-bit seed derived from the run seed, a question and a sample index (the harness also derives request
     * seeds from it, with sample -1 for a whole-question request).
     */
    public static long permutationSeed(long seed, String questionId, int sample) {
        return mix(seed, questionId, sample);
    }

    static long mix(long seed, String questionId, int sample) {
        long h = seed * 0x9E3779B97F4A7C15L;
        for (byte b : questionId.getBytes(StandardCharsets.UTF_8)) h = (h ^ b) * 0x100000001B3L;
        h ^= sample * 0xC2B2AE3D27D4EB4FL;
        h ^= h >>> 33;
        h *= 0xFF51AFD7ED558CCDL;
        h ^= h >>> 33;
        return h;
    }
}
