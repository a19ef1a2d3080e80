package dev.r1serve.reward.verify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The cases of lighteval's tests/unit/metrics/test_extractive_match.py (see the README next to the
 * data). Each case runs as its own parameterized test that records agreement; the suite asserts the
 * overall agreement rate, so a handful of known disagreements are listed rather than fatal.
 */
class LightevalAcceptanceTest {
    static final String RESOURCE = "/grader-acceptance/lighteval_extractive_match_cases.jsonl";
    static final String RECOVERED = "/grader-acceptance/lighteval_multilingual_recovered.jsonl";
    static final double REQUIRED_AGREEMENT = 0.97;
    static final AtomicInteger total = new AtomicInteger(), agreed = new AtomicInteger();
    static final List<String> disagreements = new ArrayList<>();
    /** Rows whose Python source the exporter cut off mid-tuple: no expected value, so not scored. */
    static final List<String> truncated = new ArrayList<>();

    /** One case: match types decide the extractors; precision is Math-Verify's float rounding. */
    record Case(
            int line,
            String test,
            String gold,
            String pred,
            boolean expected,
            List<String> matchTypes,
            Integer precision) {
        @Override
        public String toString() {
            return "line " + line + " " + test;
        }
    }

    static Stream<Arguments> cases() throws Exception {
        ObjectMapper om = new ObjectMapper();
        List<Arguments> out = new ArrayList<>();
        // Rows the exporter truncated, restored from the upstream test file (see README).
        java.util.Map<Integer, Case> recovered = new java.util.HashMap<>();
        try (var in = LightevalAcceptanceTest.class.getResourceAsStream(RECOVERED);
                var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                JsonNode j = om.readTree(line);
                List<String> mt = new ArrayList<>();
                j.get("match_types").forEach(x -> mt.add(x.asText()));
                int n = j.get("line").asInt();
                recovered.put(
                        n,
                        new Case(
                                n,
                                j.get("test").asText() + " (recovered)",
                                j.get("gold").asText(),
                                j.get("pred").asText(),
                                j.get("expected").asInt() == 1,
                                mt,
                                null));
            }
        }
        try (var in = LightevalAcceptanceTest.class.getResourceAsStream(RESOURCE);
                var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                JsonNode j = om.readTree(line);
                Case c;
                if (j.has("unparsed"))
                    c = PythonTuple.toCase(
                            n, j.get("test").asText(), j.get("unparsed").asText());
                else {
                    List<String> mt = new ArrayList<>();
                    j.get("match_types").forEach(x -> mt.add(x.asText()));
                    c = new Case(
                            n,
                            j.get("test").asText(),
                            j.get("gold").asText(),
                            j.get("pred").asText(),
                            j.get("expected").asInt() == 1,
                            mt,
                            j.has("precision") ? j.get("precision").asInt() : null);
                }
                if (c == null) c = recovered.get(n);
                if (c == null) truncated.add("line " + n + " " + j.get("test").asText());
                else out.add(Arguments.of(c));
            }
        }
        return out.stream();
    }

    /**
     * Match types choose the extractors. lighteval's plain-number extraction reads a comma before
     * one, two or four digits as a decimal comma ("1000,99", "2,74") while its LaTeX extraction
     * reads {@code \boxed{-2,1}} as a list; our verifier reads decimal commas only under its locale
     * option, so the expression-only rows (those that test number reading) turn that option on.
     */
    static Verifier verifierFor(Case c) {
        if (c.matchTypes().contains("NativeLetters")) return Verifier.choice(4);
        VerifierOptions o = VerifierOptions.math()
                .withLatex(c.matchTypes().contains("latex"))
                .withExpr(c.matchTypes().contains("expr"))
                .withDecimalComma(c.matchTypes().equals(List.of("expr")))
                .withTimeoutMillis(5000);
        if (c.precision() != null) o = o.withPrecision(c.precision());
        return Verifier.of(o);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithLighteval(Case c) {
        Verdict v = verifierFor(c).verify(c.gold(), c.pred());
        total.incrementAndGet();
        if (v.equivalent() == c.expected()) agreed.incrementAndGet();
        else
            synchronized (disagreements) {
                disagreements.add(c + ": expected " + (c.expected() ? 1 : 0) + " got " + v.equivalent()
                        + " | gold=" + abbreviate(v.goldExtracted()) + " pred=" + abbreviate(v.predExtracted())
                        + " | " + v.goldNormalized() + " vs " + v.predNormalized() + " | " + v.rule() + ": "
                        + v.reason());
            }
    }

    private static String abbreviate(String s) {
        if (s == null) return null;
        return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }

    @AfterAll
    static void agreementRate() {
        disagreements.forEach(d -> System.out.println("DISAGREEMENT " + d));
        truncated.stream().distinct().forEach(t -> System.out.println("NOT SCORED (truncated by the exporter) " + t));
        double rate = agreed.get() / (double) total.get();
        System.out.printf("lighteval agreement: %d/%d = %.1f%%%n", agreed.get(), total.get(), 100 * rate);
        assertTrue(rate >= REQUIRED_AGREEMENT, "agreement " + rate + " below " + REQUIRED_AGREEMENT);
    }

    @Test
    void allRowsAccountedFor() throws Exception {
        truncated.clear();
        long scored = cases().count();
        assertTrue(scored + truncated.size() == 232, "expected 232 rows, got " + scored + " + " + truncated.size());
        assertTrue(scored == 232, "rows not scored: " + truncated);
    }
}
