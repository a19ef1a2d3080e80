package dev.r1serve.reward.verify;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The hard cases of grader fidelity (lists, percent words, equations and relations, chained
 * inequalities, several boxes, decimal commas, significant digits, variable names, formulas over
 * several lines): {@code grader_fidelity_cases.jsonl}, see the README next to it. Each row runs
 * with the default math verifier plus the options it names; the suite asserts at least 97%
 * agreement with the expected verdicts and prints every disagreement.
 */
class GraderFidelityAcceptanceTest {
    static final String RESOURCE = "/grader-acceptance/grader_fidelity_cases.jsonl";
    static final double REQUIRED_AGREEMENT = 0.97;
    static final AtomicInteger total = new AtomicInteger(), agreed = new AtomicInteger();
    static final List<String> disagreements = new ArrayList<>();
    static final Map<String, int[]> byClass = new TreeMap<>();

    record Case(int line, String cls, String gold, String pred, boolean expected, JsonNode options) {
        @Override
        public String toString() {
            return "line " + line + " " + cls + (options == null ? "" : " " + options);
        }
    }

    static Stream<Arguments> cases() throws Exception {
        ObjectMapper om = new ObjectMapper();
        List<Arguments> out = new ArrayList<>();
        try (var in = GraderFidelityAcceptanceTest.class.getResourceAsStream(RESOURCE);
                var r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                JsonNode j = om.readTree(line);
                out.add(Arguments.of(new Case(
                        n,
                        j.get("class").asText(),
                        j.get("gold").asText(),
                        j.get("pred").asText(),
                        j.get("expected").asInt() == 1,
                        j.get("options"))));
            }
        }
        return out.stream();
    }

    static Verifier verifierFor(Case c) {
        VerifierOptions o = VerifierOptions.math().withTimeoutMillis(5000);
        if (c.options() != null) {
            if (c.options().has("decimalComma"))
                o = o.withDecimalComma(c.options().get("decimalComma").asBoolean());
            if (c.options().has("significantDigits"))
                o = o.withSignificantDigits(c.options().get("significantDigits").asInt());
            if (c.options().has("expr")) o = o.withExpr(c.options().get("expr").asBoolean());
            if (c.options().has("strictVariables"))
                o = o.withStrictVariables(c.options().get("strictVariables").asBoolean());
        }
        return Verifier.of(o);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithTheReferenceVerdict(Case c) {
        Verdict v = verifierFor(c).verify(c.gold(), c.pred());
        total.incrementAndGet();
        boolean ok = v.equivalent() == c.expected();
        synchronized (byClass) {
            int[] k = byClass.computeIfAbsent(c.cls(), x -> new int[2]);
            k[1]++;
            if (ok) k[0]++;
        }
        if (ok) agreed.incrementAndGet();
        else
            synchronized (disagreements) {
                disagreements.add(c + ": expected " + (c.expected() ? 1 : 0) + " got " + v.equivalent() + " | gold="
                        + v.goldExtracted() + " pred=" + v.predExtracted() + " | " + v.rule() + ": " + v.reason());
            }
    }

    @AfterAll
    static void agreementRate() {
        disagreements.forEach(d -> System.out.println("DISAGREEMENT " + d));
        byClass.forEach((k, v) -> System.out.printf("  %-28s %d/%d%n", k, v[0], v[1]));
        double rate = agreed.get() / (double) total.get();
        System.out.printf("grader fidelity agreement: %d/%d = %.1f%%%n", agreed.get(), total.get(), 100 * rate);
        assertTrue(rate >= REQUIRED_AGREEMENT, "agreement " + rate + " below " + REQUIRED_AGREEMENT);
    }

    @Test
    void atLeastOneHundredCases() throws Exception {
        assertTrue(cases().count() >= 100);
    }
}
