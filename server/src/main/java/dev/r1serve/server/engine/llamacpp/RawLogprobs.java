package dev.r1serve.server.engine.llamacpp;

import dev.r1serve.server.engine.TokenLogprob;
import java.util.ArrayList;
import java.util.List;

/**
 * Log-probabilities from one position's raw logits: the log-softmax of what the model computed, before
 * temperature, penalties or top-k/top-p (vLLM's default {@code raw_logprobs}). At temperature 1 with no other
 * sampler this is exactly the distribution the engine draws from.
 */
final class RawLogprobs {

    private RawLogprobs() {}

    /**
     * The logprob of {@code token} and the {@code top} most likely tokens (most likely first, equal logits in id
     * order). The normaliser is summed in double from the largest logit, so it neither overflows nor loses the
     * small terms of a 150k-entry vocabulary.
     */
    static TokenLogprob of(float[] logits, int token, int top) {
        float max = Float.NEGATIVE_INFINITY;
        for (float x : logits) {
            if (x > max) max = x;
        }
        double sum = 0;
        for (float x : logits) {
            sum += Math.exp((double) x - max);
        }
        double logNorm = max + Math.log(sum);
        int[] best = top(logits, top);
        List<TokenLogprob.Top> alternatives = new ArrayList<>(best.length);
        for (int id : best) {
            alternatives.add(new TokenLogprob.Top(id, (float) (logits[id] - logNorm)));
        }
        return new TokenLogprob(token, (float) (logits[token] - logNorm), alternatives);
    }

    /** The ids of the {@code k} largest logits, largest first; one pass with a small sorted array. */
    static int[] top(float[] logits, int k) {
        k = Math.min(k, logits.length);
        int[] ids = new int[k];
        int n = 0;
        for (int id = 0; id < logits.length && k > 0; id++) {
            float x = logits[id];
            if (n == k && !(x > logits[ids[k - 1]])) {
                continue; // not above the k-th best (ties keep the lower id)
            }
            int at = n == k ? k - 1 : n++;
            while (at > 0 && x > logits[ids[at - 1]]) {
                ids[at] = ids[at - 1];
                at--;
            }
            ids[at] = id;
        }
        return ids;
    }
}
