package dev.r1serve.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * G-Pass@k against values worked by hand and computed exactly in Python with math.comb (the hypergeometric tail
 * {@code sum(comb(c,j)*comb(n-c,k-j) for j in range(m, min(c,k)+1)) / comb(n,k)}, m = max(ceil(k*tau), 1)).
 */
class GPassAtKTest {

    private static final double EPS = 1e-12;

    @Test
    void allFourDrawnFromFourWithThreeCorrectByHand() {
        // k = n: the draw is every sample, so exactly 3 of 4 are correct.
        assertEquals(1.0, GPassAtK.at(4, 3, 4, 0.25), EPS);
        assertEquals(1.0, GPassAtK.at(4, 3, 4, 0.75), EPS);
        assertEquals(0.0, GPassAtK.at(4, 3, 4, 1.0), EPS);
        assertEquals(0.5, GPassAtK.mean(4, 3, 4), EPS); // (2/4) * P(X >= 3)
    }

    @Test
    void twoDrawnFromFourWithThreeCorrectByHand() {
        assertEquals(1.0, GPassAtK.at(4, 3, 2, 0.5), EPS); // ceil(1) = 1: some correct, certain
        assertEquals(0.5, GPassAtK.at(4, 3, 2, 0.75), EPS); // ceil(1.5) = 2: C(3,2)/C(4,2) = 3/6
        assertEquals(0.5, GPassAtK.mean(4, 3, 2), EPS);
    }

    @Test
    void matchesExactPythonValues() {
        assertEquals(0.8186813186813187, GPassAtK.at(16, 5, 4, 0.25), EPS);
        assertEquals(0.36538461538461536, GPassAtK.at(16, 5, 4, 0.5), EPS);
        assertEquals(0.06318681318681318, GPassAtK.at(16, 5, 4, 0.75), EPS);
        assertEquals(0.0027472527472527475, GPassAtK.at(16, 5, 4, 1.0), EPS);
        assertEquals(0.03296703296703297, GPassAtK.mean(16, 5, 4), EPS);
        assertEquals(0.14102564102564102, GPassAtK.at(16, 5, 8, 0.5), EPS);
        assertEquals(0.0, GPassAtK.at(16, 5, 8, 0.75), EPS); // needs 6 correct of 8, only 5 exist
        // lighteval's aime24_gpassk setting: n = 48 samples, k = 16.
        assertEquals(0.9999839715145519, GPassAtK.at(48, 30, 16, 0.25), EPS);
        assertEquals(0.9423273990377173, GPassAtK.at(48, 30, 16, 0.5), EPS);
        assertEquals(0.17188757573256916, GPassAtK.at(48, 30, 16, 0.75), EPS);
        assertEquals(6.449331222143522e-05, GPassAtK.at(48, 30, 16, 1.0), 1e-15);
        assertEquals(0.25924495517120194, GPassAtK.mean(48, 30, 16), EPS);
    }

    @Test
    void thresholdAtOrBelowOneOverKIsPassAtK() {
        for (int c = 0; c <= 16; c++) {
            assertEquals(PassAtK.estimate(16, c, 4), GPassAtK.at(16, c, 4, 0.25), EPS, "c=" + c);
        }
    }

    @Test
    void allOrNothingQuestions() {
        assertEquals(1.0, GPassAtK.at(64, 64, 64, 1.0), EPS);
        assertEquals(1.0, GPassAtK.mean(64, 64, 64), EPS);
        assertEquals(0.0, GPassAtK.at(10, 0, 4, 0.25), EPS);
        assertEquals(0.0, GPassAtK.mean(10, 0, 4), EPS);
    }

    @Test
    void rowsAverageOverQuestions() {
        var rows = GPassAtK.rows(4, new int[] {3, 4}, List.of(2, 4));
        assertEquals((0.5 + 1.0) / 2, rows.get(2).byThreshold().get(0.75).mean(), EPS);
        assertEquals((0.0 + 1.0) / 2, rows.get(4).byThreshold().get(1.0).mean(), EPS);
        assertEquals((0.5 + 1.0) / 2, rows.get(4).mean().mean(), EPS);
    }

    @Test
    void moreDrawsThanSamplesIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> GPassAtK.at(4, 2, 5, 0.5));
    }
}
