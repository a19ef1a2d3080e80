package dev.r1serve.eval.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1serve.eval.EvalResult;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.metrics.Estimate;
import dev.r1serve.eval.metrics.QuestionResult;
import dev.r1serve.eval.metrics.Summary;
import dev.r1serve.eval.sampling.SampleRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Writes a run's summary as JSON, Markdown, HTML and a terminal table. */
public final class Reports {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Reports() {}

    /** Writes {@code summary.json}, {@code summary.md} and {@code report.html} into the run directory. */
    public static void writeAll(EvalResult r, List<SampleRecord> records, Dataset data) {
        Path dir = r.dir();
        try {
            Files.writeString(dir.resolve("summary.json"), JSON.writeValueAsString(json(r)), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("summary.md"), markdown(r), StandardCharsets.UTF_8);
            Files.writeString(dir.resolve("report.html"), HtmlReport.render(r, records, data), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write reports to " + dir, e);
        }
    }

    /** The summary as a JSON tree ({@code pass@1}, {@code pass@k}, {@code cons@k}, counts and the run's identity). */
    public static ObjectNode json(EvalResult r) {
        Summary s = r.summary();
        ObjectNode root = JSON.createObjectNode();
        root.set("run", JSON.valueToTree(r.manifest()));
        root.put("questions", s.questions());
        root.put("k", s.k());
        root.put("samples", s.samples());
        root.put("correct_samples", s.correctSamples());
        root.put("no_answer_samples", s.noAnswerSamples());
        root.set("pass@1", estimate(s.pass1()));
        ObjectNode pk = root.putObject("pass@k");
        s.passAtK().forEach((k, e) -> pk.set(Integer.toString(k), estimate(e)));
        ObjectNode cons = estimate(s.consAtK());
        cons.put("ties", s.consTies());
        cons.put("no_answer", s.consNoAnswer());
        root.set("cons@k", cons);
        MetricSections.json(s, root);
        ObjectNode fr = root.putObject("finish_reasons");
        s.finishReasons().forEach(fr::put);
        ObjectNode bd = root.putObject("breakdowns");
        s.breakdowns().forEach((attr, groups) -> {
            ObjectNode a = bd.putObject(attr);
            groups.forEach((v, e) -> a.set(v, estimate(e)));
        });
        ObjectNode len = root.putObject("completion_tokens");
        putNum(len, "mean", s.meanTokens());
        putNum(len, "mean_correct", s.meanTokensCorrect());
        putNum(len, "mean_wrong", s.meanTokensWrong());
        if (r.newSamples() > 0) {
            root.put("samples_per_second", r.samplesPerSecond());
        }
        ArrayNode pq = root.putArray("per_question");
        for (QuestionResult q : s.perQuestion()) {
            ObjectNode o = pq.addObject();
            o.put("id", q.id());
            o.put("correct", q.correct());
            o.put("n", q.n());
            o.put("cons_answer", q.consensus().answer());
            o.put("cons_correct", q.consensus().correct());
            o.put("cons_tie", q.consensus().tie());
        }
        return root;
    }

    private static void putNum(ObjectNode o, String k, double v) {
        if (Double.isNaN(v)) o.putNull(k);
        else o.put(k, v);
    }

    static ObjectNode estimate(Estimate e) {
        ObjectNode o = JSON.createObjectNode();
        o.put("value", e.mean());
        o.put("stderr", e.stderr());
        o.putArray("ci95").add(e.ciLow()).add(e.ciHigh());
        return o;
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f", 100 * v);
    }

    static String pm(Estimate e) {
        return String.format(
                Locale.ROOT, "%s ± %s  [%s, %s]", pct(e.mean()), pct(e.stderr()), pct(e.ciLow()), pct(e.ciHigh()));
    }

    /** The terminal table: metrics in percent with standard errors and bootstrap 95% intervals. */
    public static String table(EvalResult r) {
        Summary s = r.summary();
        StringBuilder b = new StringBuilder();
        b.append(String.format(
                Locale.ROOT,
                "%s · %s · %d questions × k=%d · T=%.2f top-p=%.2f max %d tokens%n",
                r.manifest().benchmark(),
                r.manifest().model(),
                s.questions(),
                s.k(),
                r.manifest().temperature(),
                r.manifest().topP(),
                r.manifest().maxTokens()));
        String line = "-".repeat(58) + "\n";
        b.append(line)
                .append(String.format(Locale.ROOT, "%-12s %s%n", "metric", "% ± stderr  [bootstrap 95% CI]"))
                .append(line);
        b.append(String.format(Locale.ROOT, "%-12s %s%n", "pass@1", pm(s.pass1())));
        s.passAtK().forEach((k, e) -> {
            if (k > 1) b.append(String.format(Locale.ROOT, "%-12s %s%n", "pass@" + k, pm(e)));
        });
        b.append(String.format(Locale.ROOT, "%-12s %s%n", "cons@" + s.k(), pm(s.consAtK())));
        MetricSections.rows(s).forEach((name, e) -> b.append(String.format(Locale.ROOT, "%-12s %s%n", name, pm(e))));
        b.append(line);
        b.append(String.format(
                Locale.ROOT,
                "samples %d, correct %d, no answer %d; votes tied %d, no vote %d; finish %s%n",
                s.samples(),
                s.correctSamples(),
                s.noAnswerSamples(),
                s.consTies(),
                s.consNoAnswer(),
                s.finishReasons()));
        for (var e : s.breakdowns().entrySet()) {
            b.append("pass@1 by ").append(e.getKey()).append(":\n");
            for (var g : e.getValue().entrySet()) {
                b.append(String.format(Locale.ROOT, "  %-28s %s%n", g.getKey(), pm(g.getValue())));
            }
        }
        if (r.newSamples() > 0) {
            b.append(String.format(
                    Locale.ROOT,
                    "%d samples in %.1f s (%.1f samples/s)%n",
                    r.newSamples(),
                    r.wallSeconds(),
                    r.samplesPerSecond()));
        }
        return b.toString();
    }

    /** The Markdown summary. */
    public static String markdown(EvalResult r) {
        Summary s = r.summary();
        var m = r.manifest();
        StringBuilder b = new StringBuilder();
        b.append("# ").append(m.benchmark()).append(" · ").append(m.model()).append("\n\n");
        b.append("| metric | % | stderr | bootstrap 95% CI |\n|---|---|---|---|\n");
        row(b, "pass@1", s.pass1());
        s.passAtK().forEach((k, e) -> {
            if (k > 1) row(b, "pass@" + k, e);
        });
        row(b, "cons@" + s.k(), s.consAtK());
        MetricSections.rows(s).forEach((name, e) -> row(b, name, e));
        b.append("\n");
        b.append(MetricSections.markdownByInstruction(s));
        b.append(String.format(
                Locale.ROOT,
                "%d questions × k = %d = %d samples; %d correct; %d without an answer; "
                        + "cons@k: %d tied votes (earliest sample wins), %d questions without any answer. Finish reasons: %s.%n%n",
                s.questions(),
                s.k(),
                s.samples(),
                s.correctSamples(),
                s.noAnswerSamples(),
                s.consTies(),
                s.consNoAnswer(),
                s.finishReasons()));
        for (var e : s.breakdowns().entrySet()) {
            b.append("## pass@1 by ")
                    .append(e.getKey())
                    .append("\n\n| ")
                    .append(e.getKey())
                    .append(" | % | stderr |\n|---|---|---|\n");
            for (Map.Entry<String, Estimate> g : e.getValue().entrySet()) {
                b.append("| ")
                        .append(g.getKey())
                        .append(" | ")
                        .append(pct(g.getValue().mean()))
                        .append(" | ")
                        .append(pct(g.getValue().stderr()))
                        .append(" |\n");
            }
            b.append("\n");
        }
        b.append("## Run\n\n");
        b.append("- data: `")
                .append(m.dataSource())
                .append("` (SHA-256 `")
                .append(m.dataSha256())
                .append("`)\n");
        b.append("- prompt template: `")
                .append(m.promptTemplate().replace("\n", "\\n"))
                .append("`")
                .append(
                        m.chat()
                                ? " as a user message (chat template " + m.modelTemplate()
                                        + ", `<think>\\n` pre-filled)"
                                : " as raw text (model has no chat template)")
                .append("\n");
        b.append("- grader: ").append(m.graderVersion()).append("\n");
        b.append(String.format(
                Locale.ROOT,
                "- sampling: temperature %.2f, top-p %.2f, max %d tokens, k = %d, seed %d%n",
                m.temperature(),
                m.topP(),
                m.maxTokens(),
                m.k(),
                m.seed()));
        b.append("- model: ")
                .append(m.model())
                .append(" on ")
                .append(m.server())
                .append("\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String name, Estimate e) {
        b.append("| ")
                .append(name)
                .append(" | ")
                .append(pct(e.mean()))
                .append(" | ")
                .append(pct(e.stderr()))
                .append(" | ")
                .append(pct(e.ciLow()))
                .append("–")
                .append(pct(e.ciHigh()))
                .append(" |\n");
    }
}
