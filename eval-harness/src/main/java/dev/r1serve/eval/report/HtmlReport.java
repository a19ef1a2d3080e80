package dev.r1serve.eval.report;

import dev.r1serve.eval.EvalResult;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.benchmark.Question;
import dev.r1serve.eval.metrics.Estimate;
import dev.r1serve.eval.metrics.QuestionResult;
import dev.r1serve.eval.metrics.Summary;
import dev.r1serve.eval.sampling.SampleRecord;
import dev.r1serve.eval.sampling.SampleStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML report (no scripts, fonts or images from anywhere: it opens offline): the metrics table,
 * inline SVG plots (pass@k curve, pass@1 by level/subject, completion length of correct vs wrong samples) and a
 * sample browser built from {@code <details>} elements.
 */
final class HtmlReport {

    /** Questions shown in the browser and characters shown per sample, to keep the file openable. */
    static final int BROWSER_QUESTIONS = 200, MAX_CHARS = 12_000;

    private HtmlReport() {}

    static String render(EvalResult r, List<SampleRecord> records, Dataset data) {
        Summary s = r.summary();
        var m = r.manifest();
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(esc(m.benchmark() + " · " + m.model()))
                .append("</title><style>")
                .append("body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;color:#222}")
                .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
                .append(
                        "th{background:#f3f3f3}td:first-child{text-align:left}.plots{display:flex;flex-wrap:wrap;gap:16px}")
                .append("pre{white-space:pre-wrap;background:#f7f7f7;padding:6px;max-height:30em;overflow:auto}")
                .append(".ok{color:#1a7f37}.bad{color:#c62828}summary{cursor:pointer}</style></head><body>");
        b.append("<h1>")
                .append(esc(m.benchmark()))
                .append(" · ")
                .append(esc(m.model()))
                .append("</h1>");
        b.append("<p>")
                .append(s.questions())
                .append(" questions × k = ")
                .append(s.k())
                .append(", temperature ")
                .append(setting(m.temperature()))
                .append(", top-p ")
                .append(setting(m.topP()))
                .append(", max ")
                .append(m.maxTokens())
                .append(" tokens, seed ")
                .append(m.seed())
                .append(". Data SHA-256 <code>")
                .append(esc(m.dataSha256()))
                .append("</code>; grader ")
                .append(esc(m.graderVersion()))
                .append(".</p>");
        b.append("<table><tr><th>metric</th><th>%</th><th>stderr</th><th>bootstrap 95% CI</th></tr>");
        row(b, "pass@1", s.pass1());
        s.passAtK().forEach((k, e) -> {
            if (k > 1) row(b, "pass@" + k, e);
        });
        row(b, "cons@" + s.k(), s.consAtK());
        MetricSections.rows(s).forEach((name, e) -> row(b, name, e));
        b.append("</table><p>")
                .append(s.correctSamples())
                .append(" of ")
                .append(s.samples())
                .append(" samples correct; ")
                .append(s.noAnswerSamples())
                .append(" without an answer; cons@k ties ")
                .append(s.consTies())
                .append(", questions without any answer ")
                .append(s.consNoAnswer())
                .append("; finish reasons ")
                .append(esc(s.finishReasons().toString()))
                .append(".</p>");
        b.append("<div class=\"plots\">");
        b.append(passAtKPlot(s));
        for (var e : s.breakdowns().entrySet()) b.append(barPlot("pass@1 by " + e.getKey(), e.getValue()));
        b.append(lengthHistogram(records));
        b.append("</div>");
        b.append(browser(s, records, data));
        b.append("</body></html>\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String name, Estimate e) {
        b.append("<tr><td>")
                .append(esc(name))
                .append("</td><td>")
                .append(Reports.pct(e.mean()))
                .append("</td><td>")
                .append(Reports.pct(e.stderr()))
                .append("</td><td>")
                .append(Reports.pct(e.ciLow()))
                .append("–")
                .append(Reports.pct(e.ciHigh()))
                .append("</td></tr>");
    }

    private static final int W = 340, H = 220, L = 40, B = 30, T = 24;
    /** Group labels under bars: at most this many characters, slanted by this many degrees, in this font size. */
    static final int LABEL_CHARS = 7, LABEL_ANGLE = 45, LABEL_FONT = 9;

    private static String frame(String title) {
        return frame(title, "100", "%");
    }

    /** Axes with the y axis labelled 0 at the bottom and {@code top} at the top, in {@code unit}. */
    private static String frame(String title, String top, String unit) {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + W + "\" height=\"" + H + "\" role=\"img\"><title>"
                + esc(title) + "</title><text x=\"" + W / 2 + "\" y=\"16\" text-anchor=\"middle\" font-size=\"13\">"
                + esc(title)
                + "</text><line x1=\"" + L + "\" y1=\"" + (H - B) + "\" x2=\"" + (W - 10) + "\" y2=\"" + (H - B)
                + "\" stroke=\"#444\"/><line x1=\"" + L + "\" y1=\"" + T + "\" x2=\"" + L + "\" y2=\"" + (H - B)
                + "\" stroke=\"#444\"/>"
                + "<text x=\"" + (L - 4) + "\" y=\"" + (T + 4) + "\" text-anchor=\"end\" font-size=\"10\">" + esc(top)
                + "</text>"
                + "<text x=\"" + (L - 4) + "\" y=\"" + (H - B) + "\" text-anchor=\"end\" font-size=\"10\">0</text>"
                + "<text class=\"y-unit\" x=\"" + (L - 4) + "\" y=\"" + (T - 6)
                + "\" text-anchor=\"end\" font-size=\"10\">" + esc(unit) + "</text>";
    }

    private static double y(double v) {
        return (H - B) - v * (H - B - T);
    }

    static String passAtKPlot(Summary s) {
        StringBuilder b = new StringBuilder(frame("pass@k (%)"));
        List<Integer> ks = new ArrayList<>(s.passAtK().keySet());
        double maxX = Math.max(1, Math.log(ks.get(ks.size() - 1)) / Math.log(2));
        StringBuilder pts = new StringBuilder();
        for (int k : ks) {
            double x = L + 10 + (W - L - 30) * (Math.log(k) / Math.log(2)) / maxX;
            double yy = y(s.passAtK().get(k).mean());
            pts.append(fmt(x)).append(',').append(fmt(yy)).append(' ');
            b.append("<circle cx=\"")
                    .append(fmt(x))
                    .append("\" cy=\"")
                    .append(fmt(yy))
                    .append("\" r=\"3\" fill=\"#1565c0\"><title>pass@")
                    .append(k)
                    .append(" = ")
                    .append(Reports.pct(s.passAtK().get(k).mean()))
                    .append("%</title></circle>")
                    .append("<text x=\"")
                    .append(fmt(x))
                    .append("\" y=\"")
                    .append(H - B + 14)
                    .append("\" text-anchor=\"middle\" font-size=\"10\">")
                    .append(k)
                    .append("</text>");
        }
        b.append("<polyline fill=\"none\" stroke=\"#1565c0\" points=\"")
                .append(pts)
                .append("\"/></svg>");
        return b.toString();
    }

    static String barPlot(String title, Map<String, Estimate> groups) {
        StringBuilder b = new StringBuilder(frame(title + " (%)"));
        int n = groups.size();
        double slot = (double) (W - L - 20) / Math.max(1, n);
        int i = 0;
        for (var g : groups.entrySet()) {
            double x = L + 10 + i * slot, h = (H - B) - y(g.getValue().mean());
            b.append("<rect x=\"")
                    .append(fmt(x))
                    .append("\" y=\"")
                    .append(fmt(y(g.getValue().mean())))
                    .append("\" width=\"")
                    .append(fmt(Math.max(1, slot * 0.8)))
                    .append("\" height=\"")
                    .append(fmt(h))
                    .append("\" fill=\"#2e7d32\"><title>")
                    .append(esc(g.getKey()))
                    .append(": ")
                    .append(Reports.pct(g.getValue().mean()))
                    .append("%</title></rect>");
            // Slanted so that neighbours never overlap: the gap across two slanted labels is slot·sin(angle),
            // which stays above the font size down to 20 px slots (14 groups); the full name is in the tooltip.
            String label =
                    g.getKey().length() > LABEL_CHARS ? g.getKey().substring(0, LABEL_CHARS - 1) + "…" : g.getKey();
            double lx = x + slot * 0.4, ly = H - B + 4;
            b.append("<text class=\"x-label\" x=\"")
                    .append(fmt(lx))
                    .append("\" y=\"")
                    .append(fmt(ly))
                    .append("\" text-anchor=\"end\" font-size=\"")
                    .append(LABEL_FONT)
                    .append("\" transform=\"rotate(-")
                    .append(LABEL_ANGLE)
                    .append(' ')
                    .append(fmt(lx))
                    .append(' ')
                    .append(fmt(ly))
                    .append(")\">")
                    .append(esc(label))
                    .append("</text>");
            i++;
        }
        return b.append("</svg>").toString();
    }

    static String lengthHistogram(List<SampleRecord> records) {
        int max =
                records.stream().mapToInt(SampleRecord::completionTokens).max().orElse(1);
        int bins = 12;
        int[] ok = new int[bins], bad = new int[bins];
        for (SampleRecord r : records) {
            int bin = Math.min(bins - 1, (int) ((long) r.completionTokens() * bins / Math.max(1, max + 1)));
            if (r.correct()) ok[bin]++;
            else bad[bin]++;
        }
        int top = 1;
        for (int i = 0; i < bins; i++) top = Math.max(top, Math.max(ok[i], bad[i]));
        // The y axis counts samples per bin (its top is the fullest bin); the x axis is completion tokens.
        StringBuilder b =
                new StringBuilder(frame("completion tokens: correct vs wrong", Integer.toString(top), "samples"));
        double slot = (double) (W - L - 20) / bins;
        for (int i = 0; i < bins; i++) {
            double x = L + 10 + i * slot;
            bar(b, x, slot * 0.4, (double) ok[i] / top, "#2e7d32", ok[i] + " correct");
            bar(b, x + slot * 0.4, slot * 0.4, (double) bad[i] / top, "#c62828", bad[i] + " wrong");
        }
        b.append("<text class=\"x-axis\" x=\"")
                .append(L + 10)
                .append("\" y=\"")
                .append(H - B + 12)
                .append("\" text-anchor=\"start\" font-size=\"10\">0</text>")
                .append("<text class=\"x-axis\" x=\"")
                .append(W - 10)
                .append("\" y=\"")
                .append(H - B + 12)
                .append("\" text-anchor=\"end\" font-size=\"10\">")
                .append(max)
                .append("</text>")
                .append("<text class=\"x-unit\" x=\"")
                .append(W / 2)
                .append("\" y=\"")
                .append(H - 6)
                .append(
                        "\" text-anchor=\"middle\" font-size=\"10\">completion tokens · green correct, red wrong</text></svg>");
        return b.toString();
    }

    private static void bar(StringBuilder b, double x, double w, double frac, String color, String tip) {
        b.append("<rect x=\"")
                .append(fmt(x))
                .append("\" y=\"")
                .append(fmt(y(frac)))
                .append("\" width=\"")
                .append(fmt(w))
                .append("\" height=\"")
                .append(fmt((H - B) - y(frac)))
                .append("\" fill=\"")
                .append(color)
                .append("\"><title>")
                .append(esc(tip))
                .append("</title></rect>");
    }

    private static String browser(Summary s, List<SampleRecord> records, Dataset data) {
        Map<String, List<SampleRecord>> byQ = SampleStore.byQuestion(records);
        Map<String, Question> qs = new java.util.HashMap<>();
        data.questions().forEach(q -> qs.put(q.id(), q));
        StringBuilder b = new StringBuilder("<h2>Samples</h2>");
        if (s.perQuestion().size() > BROWSER_QUESTIONS) {
            b.append("<p>First ").append(BROWSER_QUESTIONS).append(" questions; all samples are in samples.jsonl.</p>");
        }
        int shown = 0;
        for (QuestionResult qr : s.perQuestion()) {
            if (shown++ >= BROWSER_QUESTIONS) break;
            Question q = qs.get(qr.id());
            b.append("<details><summary><b>")
                    .append(esc(qr.id()))
                    .append("</b> — ")
                    .append(qr.correct())
                    .append('/')
                    .append(qr.n())
                    .append(" correct, vote <span class=\"")
                    .append(qr.consensus().correct() ? "ok" : "bad")
                    .append("\">")
                    .append(esc(orNone(qr.consensus().answer())))
                    .append("</span></summary>");
            if (q != null) {
                b.append("<pre>")
                        .append(esc(clip(q.problem())))
                        .append("</pre><p>gold: <code>")
                        .append(esc(q.gold()))
                        .append("</code></p>");
            }
            for (SampleRecord r : byQ.getOrDefault(qr.id(), List.of())) {
                b.append("<details><summary>sample ")
                        .append(r.sample())
                        .append(" · <span class=\"")
                        .append(r.correct() ? "ok\">correct" : "bad\">wrong")
                        .append("</span> · extracted <code>")
                        .append(esc(orNone(r.extracted())))
                        .append("</code> · ")
                        .append(r.completionTokens())
                        .append(" tokens · ")
                        .append(esc(r.finishReason()))
                        .append("</summary><pre>")
                        .append(esc(clip(r.text())))
                        .append("</pre></details>");
            }
            b.append("</details>");
        }
        return b.toString();
    }

    /** A missing vote or extraction in words, not Java's "null". */
    private static String orNone(String s) {
        return s == null ? "(no answer)" : s;
    }

    /**
     * A sampling setting as given: they travel as 32-bit floats, so 0.95 is stored as 0.949999988 in run.json and
     * must print as 0.95 (a fixed one-decimal format printed it as 0.9).
     */
    static String setting(double v) {
        return Float.toString((float) v);
    }

    private static String clip(String s) {
        if (s == null) return "";
        return s.length() <= MAX_CHARS
                ? s
                : s.substring(0, MAX_CHARS / 2) + "\n[… " + (s.length() - MAX_CHARS) + " characters …]\n"
                        + s.substring(s.length() - MAX_CHARS / 2);
    }

    static String esc(String s) {
        if (s == null) return "";
        StringBuilder b = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
