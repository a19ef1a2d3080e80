package dev.r1serve.reward.verify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.reward.verify.cas.SymjaCas;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Random and hostile inputs: no exception escapes, no verification outlives its deadline. */
class FuzzTest {
    private static final long TIMEOUT_MS = 300;
    private static final String[] PIECES = {
        "\\frac",
        "{",
        "}",
        "\\sqrt",
        "[",
        "]",
        "(",
        ")",
        "^",
        "_",
        "x",
        "y",
        "2",
        "0",
        "9",
        ".",
        ",",
        "=",
        "<",
        "\\leq",
        "\\boxed{",
        "$",
        "\\(",
        "\\)",
        "\\left(",
        "\\right)",
        "\\pi",
        "\\infty",
        "+",
        "-",
        "\\cdot",
        "\\text{",
        "%",
        "\\%",
        "&",
        "\\\\",
        "\\begin{pmatrix}",
        "\\end{pmatrix}",
        "\\{",
        "\\}",
        "|",
        "!",
        " ",
        "\\cup",
        "\\pm",
        "e",
        "i",
        "\\sin",
        "</think>",
        "<think>",
        "answer is",
        "#### ",
        "**",
        "(C)",
        "\\dfrac",
        "10^{",
        "999"
    };

    /** Symja's one-time start-up has its own deadline; the per-comparison bound is what is tested. */
    @BeforeAll
    static void startCas() {
        assertTrue(SymjaCas.get().warmUp());
    }

    @Test
    void tenThousandRandomStrings() {
        VerifierOptions opts = VerifierOptions.math().withTimeoutMillis(TIMEOUT_MS);
        Verifier[] verifiers = {Verifier.of(opts), Verifier.choice(4), Verifier.gsm8k()};
        Random rnd = new Random(20240601L);
        long worst = 0, start = System.nanoTime();
        for (int i = 0; i < 10_000; i++) {
            String gold = random(rnd), pred = random(rnd);
            long t0 = System.nanoTime();
            Verdict v = verifiers[i % 3].verify(gold, pred);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            worst = Math.max(worst, ms);
            assertTrue(v != null && v.rule() != null);
            assertTrue(ms < TIMEOUT_MS + 700, "verification " + i + " took " + ms + " ms: " + gold + " | " + pred);
        }
        long total = (System.nanoTime() - start) / 1_000_000;
        System.out.println("fuzz: 10000 random verifications in " + total + " ms, worst " + worst + " ms");
    }

    private static String random(Random rnd) {
        StringBuilder sb = new StringBuilder();
        int mode = rnd.nextInt(3);
        int n = rnd.nextInt(40);
        for (int k = 0; k < n; k++) {
            if (mode == 0) sb.append((char) (32 + rnd.nextInt(95)));
            else if (mode == 1) sb.append(PIECES[rnd.nextInt(PIECES.length)]);
            else
                sb.append(
                        rnd.nextBoolean()
                                ? PIECES[rnd.nextInt(PIECES.length)]
                                : String.valueOf((char) rnd.nextInt(0x3000)));
        }
        return sb.toString();
    }

    @Test
    void deeplyNestedLatex() {
        Verifier v = Verifier.of(VerifierOptions.math().withTimeoutMillis(TIMEOUT_MS));
        String[] hostile = {
            "\\frac{".repeat(5000) + "1" + "}{2}".repeat(5000),
            "(".repeat(20000) + "1" + ")".repeat(20000),
            "\\sqrt{".repeat(3000) + "2" + "}".repeat(3000),
            "{".repeat(40000),
            "2^{2^{2^{2^{2^{2^{2^{2^{2^{99}}}}}}}}}",
            "10^{10^{10^{10}}}!",
            "9".repeat(5000),
            "x^{".repeat(30) + "2" + "}".repeat(30),
            "\\boxed{" + "1+".repeat(40000) + "1}",
            "\\left(".repeat(10000),
            "$".repeat(40000),
            "\\boxed{".repeat(20000),
        };
        for (String h : hostile) {
            for (String text : new String[] {h, "\\boxed{" + h + "}", "<think>x</think>" + h}) {
                long t0 = System.nanoTime();
                Verdict d = v.verify(h, text);
                Verdict e = v.verify("5", text);
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertTrue(d != null && e != null);
                assertTrue(
                        ms < 2 * (TIMEOUT_MS + 700),
                        "hostile input took " + ms + " ms: " + h.substring(0, Math.min(60, h.length())));
            }
        }
    }
}
