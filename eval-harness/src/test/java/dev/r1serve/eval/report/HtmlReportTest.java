package dev.r1serve.eval.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.eval.EvalResult;
import dev.r1serve.eval.EvalRunner;
import dev.r1serve.eval.EvalServers;
import dev.r1serve.eval.EvalSpec;
import dev.r1serve.eval.RunManifest;
import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.grading.Grader;
import dev.r1serve.eval.grading.TaskKind;
import dev.r1serve.eval.metrics.MetricsCalculator;
import dev.r1serve.eval.metrics.Summary;
import dev.r1serve.eval.sampling.SampleRecord;
import dev.r1serve.eval.sampling.SampleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * report.html as people share it: every number of its header against run.json, and the plots' SVG text (labels
 * that do not overlap, axes with units, no raw "null") for a MATH-500 run whose questions span its 7 subjects.
 */
class HtmlReportTest {

    @TempDir
    static Path tmp;

    static Path run;
    static String html;
    static JsonNode manifest;

    @BeforeAll
    static void evaluate() throws Exception {
        run = tmp.resolve("m500");
        // top-p 0.95 travels as the float 0.949999988 and was printed "0.9"; T 0.7 and a non-default budget too.
        EvalRunner.run(EvalSpec.of("math500", EvalServers.target(), run)
                .withModel(EvalServers.R1)
                .withK(2)
                .withLimit(28)
                .withMaxTokens(48)
                .withSampling(0.7f, 0.95f)
                .withSeed(1234)
                .withConcurrency(2)
                .withProgress(null));
        html = Files.readString(run.resolve("report.html"));
        manifest = new ObjectMapper().readTree(run.resolve("run.json").toFile());
    }

    @Test
    void everyHeaderValueIsTheOneInRunJson() {
        Matcher m = Pattern.compile(
                        "<p>(\\d+) questions × k = (\\d+), temperature ([0-9.]+), top-p ([0-9.]+), max (\\d+) "
                                + "tokens, seed (\\d+)\\. Data SHA-256 <code>([0-9a-f]+)</code>; grader ([^<]+)\\.</p>")
                .matcher(html);
        assertTrue(m.find(), "header paragraph");
        assertEquals(manifest.get("questions").asInt(), Integer.parseInt(m.group(1)));
        assertEquals(manifest.get("k").asInt(), Integer.parseInt(m.group(2)));
        assertEquals((float) manifest.get("temperature").asDouble(), Float.parseFloat(m.group(3)));
        assertEquals("0.7", m.group(3));
        assertEquals((float) manifest.get("topP").asDouble(), Float.parseFloat(m.group(4)));
        assertEquals("0.95", m.group(4));
        assertEquals(manifest.get("maxTokens").asInt(), Integer.parseInt(m.group(5)));
        assertEquals(manifest.get("seed").asLong(), Long.parseLong(m.group(6)));
        assertEquals(manifest.get("dataSha256").asText(), m.group(7));
        assertEquals(manifest.get("graderVersion").asText(), m.group(8).replace("&quot;", "\""));
        assertTrue(html.contains("<h1>" + manifest.get("benchmark").asText() + " · "
                + manifest.get("model").asText() + "</h1>"));
    }

    @Test
    void subjectLabelsAreSlantedFarEnoughApartNeverToOverlap() {
        String plot = svg("pass@1 by subject");
        List<Double> xs = new ArrayList<>();
        Matcher label = Pattern.compile("<text class=\"x-label\" x=\"([0-9.]+)\" y=\"[0-9.]+\" text-anchor=\"end\" "
                        + "font-size=\"(\\d+)\" transform=\"rotate\\(-(\\d+) [0-9. ]+\\)\">([^<]+)</text>")
                .matcher(plot);
        int font = 0, angle = 0;
        while (label.find()) {
            xs.add(Double.parseDouble(label.group(1)));
            font = Integer.parseInt(label.group(2));
            angle = Integer.parseInt(label.group(3));
            assertTrue(label.group(4).length() <= HtmlReport.LABEL_CHARS, label.group(4));
        }
        assertEquals(7, xs.size(), "the 7 MATH subjects: " + plot);
        for (int i = 1; i < xs.size(); i++) {
            // Parallel slanted lines of text this far apart horizontally are slot·sin(angle) apart across.
            double gap = (xs.get(i) - xs.get(i - 1)) * Math.sin(Math.toRadians(angle));
            assertTrue(gap > font, "labels " + (i - 1) + " and " + i + " are " + gap + " px apart, font " + font);
        }
        // Every subject's full name is in its bar's tooltip.
        assertTrue(plot.contains("<title>Intermediate Algebra: "), plot);
    }

    @Test
    void theTokenHistogramsAxesHaveUnits() {
        String plot = svg("completion tokens: correct vs wrong");
        assertTrue(plot.contains("<text class=\"y-unit\"") && plot.contains(">samples</text>"), plot);
        assertTrue(
                plot.contains("<text class=\"x-unit\"")
                        && plot.contains(">completion tokens · green correct, red wrong</text>"),
                plot);
        assertFalse(plot.contains(">100</text>"), "counts, not percent: " + plot);
    }

    @Test
    void aMissingVoteOrExtractionIsSaidInWordsNotNull() throws Exception {
        RunManifest m = RunManifest.read(run);
        List<SampleRecord> records = new ArrayList<>(SampleStore.read(run.resolve("samples.jsonl")));
        records.replaceAll(r ->
                r.questionId().equals(records.get(0).questionId()) ? r.withGrade(null, null, false, "no answer") : r);
        Dataset data = Benchmarks.byName("math500").load(null).limit(m.questions());
        Summary s = MetricsCalculator.compute(
                data.questions(),
                SampleStore.byQuestion(records),
                m.k(),
                Grader.of(TaskKind.MATH, 0),
                List.of("level", "subject"));
        String page = HtmlReport.render(new EvalResult(run, m, s, 0, 0), records, data);
        assertFalse(page.contains(">null<"), "raw null in the sample browser");
        assertTrue(page.contains("vote <span class=\"bad\">(no answer)</span>"), "no vote");
        assertTrue(page.contains("extracted <code>(no answer)</code>"), "no extraction");
        assertFalse(html.contains(">null<"));
    }

    private static String svg(String title) {
        int at = html.indexOf("<title>" + title);
        assertTrue(at > 0, title + " plot");
        return html.substring(html.lastIndexOf("<svg", at), html.indexOf("</svg>", at) + 6);
    }
}
