package dev.r1serve.reward.verify.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.reward.verify.Verdict;
import dev.r1serve.reward.verify.Verifier;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Single-thread throughput of {@link Verifier#math()} over MATH-500 gold answers.
 *
 * <p>For every gold answer it builds predictions: the gold boxed, equivalent rewritings (fraction ↔
 * decimal, {@code \dfrac}, {@code \left(\right)}, extra spaces, reordered sums, "x =" prefixes) and
 * wrong answers (perturbed numbers), then verifies them round-robin for the given time on the
 * calling thread. It reports verifications/s and the share of verifications that consulted the CAS.
 */
public final class VerifyBench {
    private VerifyBench() {}

    record Pair(String gold, String pred, boolean shouldMatch) {}

    /**
     * Runs the benchmark.
     *
     * @param math500Jsonl MATH-500 JSONL (field "answer"); null for the copy bundled in the jar
     * @param seconds measuring time after a short warm-up
     * @return a one-paragraph report
     */
    public static String run(Path math500Jsonl, int seconds) {
        List<String> golds = loadGolds(math500Jsonl);
        List<Pair> pairs = buildPairs(golds, new Random(42));
        Verifier v = Verifier.math();
        // Warm-up: JIT, and the CAS start-up is paid here rather than in the measurement.
        long warmEnd = System.nanoTime() + 2_000_000_000L;
        for (int i = 0; System.nanoTime() < warmEnd && i < pairs.size(); i++)
            v.verify(pairs.get(i).gold(), pairs.get(i).pred());
        long n = 0, cas = 0, agree = 0;
        long start = System.nanoTime(), end = start + seconds * 1_000_000_000L;
        int i = 0;
        while (System.nanoTime() < end) {
            Pair p = pairs.get(i);
            Verdict d = v.verify(p.gold(), p.pred());
            n++;
            if (d.usedCas()) cas++;
            if (d.equivalent() == p.shouldMatch()) agree++;
            i = (i + 1) % pairs.size();
        }
        double secs = (System.nanoTime() - start) / 1e9;
        return String.format(
                java.util.Locale.ROOT,
                "VerifyBench: %d golds, %d prediction pairs; %d verifications in %.1f s on one thread = %.0f verifications/s; "
                        + "CAS used in %.2f%%; verdict matched the construction in %.1f%%",
                golds.size(),
                pairs.size(),
                n,
                secs,
                n / secs,
                100.0 * cas / n,
                100.0 * agree / n);
    }

    public static void main(String[] args) {
        Path p = args.length > 0 && !args[0].equals("-") ? Path.of(args[0]) : null;
        int secs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        System.out.println(run(p, secs));
        System.exit(0); // the CAS worker is a daemon, but be explicit
    }

    static List<String> loadGolds(Path file) {
        ObjectMapper om = new ObjectMapper();
        List<String> out = new ArrayList<>();
        try (InputStream in = file != null
                ? Files.newInputStream(file)
                : VerifyBench.class.getResourceAsStream("/data/math500.jsonl")) {
            if (in == null) throw new IOException("bundled /data/math500.jsonl not found");
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) continue;
                out.add(om.readTree(line).get("answer").asText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    private static final Pattern FRAC = Pattern.compile("\\\\frac\\{(\\d+)\\}\\{(\\d+)\\}");
    private static final Pattern THOUSANDS = Pattern.compile("\\d,(?:\\\\!)?\\s*\\d{3}");
    private static final Pattern INT = Pattern.compile("^-?\\d+$");
    private static final Pattern NUM = Pattern.compile("\\d+");
    private static final Pattern SUM = Pattern.compile("^([^+\\-{}()]+)\\+([^+\\-{}()]+)$");

    static List<Pair> buildPairs(List<String> golds, Random rnd) {
        List<Pair> out = new ArrayList<>();
        for (String g : golds) {
            out.add(new Pair(g, "The answer is $\\boxed{" + g + "}$.", true));
            String spaced = THOUSANDS.matcher(g).find() ? g : g.replace(",", ", ");
            out.add(new Pair(g, "<think>work</think> so \\boxed{ " + spaced.replace("\\frac", "\\dfrac") + " }", true));
            if (g.startsWith("(") && g.endsWith(")")) out.add(new Pair(g, "$\\boxed{\\left" + g + "\\right}$", true));
            Matcher f = FRAC.matcher(g);
            if (f.matches()) {
                double val = Double.parseDouble(f.group(1)) / Double.parseDouble(f.group(2));
                out.add(new Pair(g, "\\boxed{" + f.group(1) + "/" + f.group(2) + "}", true));
                out.add(new Pair(g, "\\boxed{" + BigDecimalText.of(val) + "}", true));
            }
            if (INT.matcher(g).matches()) {
                out.add(new Pair(
                        g,
                        "Final answer: \\boxed{"
                                + String.format("%03d", Long.parseLong(g.replace("-", "")))
                                        .replaceFirst("^", g.startsWith("-") ? "-" : "")
                                + "}",
                        true));
                out.add(new Pair(g, "\\boxed{" + g + ".0}", true));
            }
            Matcher s = SUM.matcher(g);
            if (s.matches() && !g.contains("="))
                out.add(new Pair(
                        g, "\\boxed{" + s.group(2).strip() + " + " + s.group(1).strip() + "}", true));
            if (g.length() < 40 && !g.contains("=") && !THOUSANDS.matcher(g).find())
                out.add(new Pair(g, "\\boxed{x = " + g + "}", true));
            Matcher n = NUM.matcher(g);
            if (n.find()) {
                String wrong = g.substring(0, n.start())
                        + (Long.parseLong(n.group().length() > 12 ? "1" : n.group()) + 1 + rnd.nextInt(7))
                        + g.substring(n.end());
                out.add(new Pair(g, "The answer is \\boxed{" + wrong + "}", false));
            }
        }
        return out;
    }

    /** Decimal text with enough digits to be accepted at the default precision. */
    private static final class BigDecimalText {
        static String of(double v) {
            return new java.math.BigDecimal(v)
                    .round(new java.math.MathContext(12))
                    .stripTrailingZeros()
                    .toPlainString();
        }
    }
}
