package dev.r1serve.eval.compare;

import dev.r1serve.eval.EvalRunner;
import dev.r1serve.eval.RunManifest;
import dev.r1serve.eval.metrics.PairedComparison;
import dev.r1serve.eval.sampling.SampleRecord;
import dev.r1serve.eval.sampling.SampleStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Two recorded runs compared on the questions both hold: per-question pass@1 (mean correctness over each run's
 * own samples) and cons@k-style majority correctness are paired by question id.
 *
 * @param pass1 paired comparison of per-question pass@1
 * @param onlyA questions only run A answered (left out of the comparison)
 */
public record RunComparison(
        RunManifest a, RunManifest b, PairedComparison pass1, int onlyA, int onlyB, List<String> warnings) {

    /** Reads both runs' samples and compares them. */
    public static RunComparison of(Path dirA, Path dirB) {
        RunManifest ma = RunManifest.read(dirA), mb = RunManifest.read(dirB);
        Map<String, List<SampleRecord>> ra = SampleStore.byQuestion(SampleStore.read(dirA.resolve(EvalRunner.SAMPLES)));
        Map<String, List<SampleRecord>> rb = SampleStore.byQuestion(SampleStore.read(dirB.resolve(EvalRunner.SAMPLES)));
        List<String> warnings = new ArrayList<>();
        if (!ma.benchmark().equals(mb.benchmark()))
            warnings.add("different benchmarks: " + ma.benchmark() + " vs " + mb.benchmark());
        if (!ma.dataSha256().equals(mb.dataSha256()))
            warnings.add("different data files (SHA-256 differs): question ids may not match");
        if (!ma.graderVersion().equals(mb.graderVersion()))
            warnings.add("different grader versions; consider 'r1 eval regrade' on both");
        List<String> settings = differingSettings(ma, mb);
        if (!settings.isEmpty()) {
            warnings.add("different settings (" + String.join("; ", settings)
                    + "): the difference may come from them, not only the models");
        }
        List<Double> xa = new ArrayList<>(), xb = new ArrayList<>();
        int onlyA = 0;
        for (var e : ra.entrySet()) {
            List<SampleRecord> other = rb.get(e.getKey());
            if (other == null) {
                onlyA++;
                continue;
            }
            xa.add(mean(e.getValue()));
            xb.add(mean(other));
        }
        int onlyB = (int) rb.keySet().stream().filter(id -> !ra.containsKey(id)).count();
        if (xa.isEmpty()) throw new IllegalArgumentException("the runs share no question ids");
        PairedComparison p = PairedComparison.of(
                xa.stream().mapToDouble(Double::doubleValue).toArray(),
                xb.stream().mapToDouble(Double::doubleValue).toArray());
        return new RunComparison(ma, mb, p, onlyA, onlyB, warnings);
    }

    /**
     * The generation settings that differ between the runs, each as "name A vs B": prompt and chat templates,
     * sampling and the token budget. The model, seed, k and server may differ without a warning: comparing models
     * is the point, and pass@1 does not depend on the others.
     */
    static List<String> differingSettings(RunManifest a, RunManifest b) {
        List<String> out = new ArrayList<>();
        differ(out, "prompt template", a.promptTemplate(), b.promptTemplate());
        differ(out, "chat template", a.modelTemplate(), b.modelTemplate());
        differ(out, "chat", a.chat(), b.chat());
        differ(out, "<think> pre-fill", a.prefillThink(), b.prefillThink());
        // Sampling settings travel as floats: compare and print them at that precision.
        differ(out, "temperature", (float) a.temperature(), (float) b.temperature());
        differ(out, "top-p", (float) a.topP(), (float) b.topP());
        differ(out, "max tokens", a.maxTokens(), b.maxTokens());
        return out;
    }

    private static void differ(List<String> out, String name, Object a, Object b) {
        if (!java.util.Objects.equals(a, b)) {
            out.add(name + " " + show(a) + " vs " + show(b));
        }
    }

    private static String show(Object v) {
        return v instanceof String s ? "\"" + s.replace("\n", "\\n") + "\"" : String.valueOf(v);
    }

    private static double mean(List<SampleRecord> rs) {
        return rs.stream().filter(SampleRecord::correct).count() / (double) rs.size();
    }

    /** A terminal report. */
    public String render() {
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "A: %s · %s · k=%d%nB: %s · %s · k=%d%n",
                a.benchmark(),
                a.model(),
                a.k(),
                b.benchmark(),
                b.model(),
                b.k()));
        for (String w : warnings) s.append("warning: ").append(w).append('\n');
        s.append(String.format(
                Locale.ROOT, "%d paired questions (%d only in A, %d only in B)%n", pass1.questions(), onlyA, onlyB));
        s.append(String.format(
                Locale.ROOT,
                "pass@1 A %.1f%%  B %.1f%%  B-A %+.1f points, paired bootstrap 95%% CI [%+.1f, %+.1f], p = %.3f, paired t = %.2f%n",
                100 * pass1.meanA(),
                100 * pass1.meanB(),
                100 * pass1.diff(),
                100 * pass1.ciLow(),
                100 * pass1.ciHigh(),
                pass1.pValue(),
                pass1.t()));
        s.append(String.format(
                Locale.ROOT, "questions where A scored higher: %d, B higher: %d%n", pass1.aBetter(), pass1.bBetter()));
        s.append(
                pass1.pValue() < 0.05
                        ? "the difference is significant at the 5% level\n"
                        : "no significant difference at the 5% level\n");
        return s.toString();
    }
}
