package dev.r1serve.eval.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1serve.eval.metrics.Estimate;
import dev.r1serve.eval.metrics.IfEvalScores;
import dev.r1serve.eval.metrics.Summary;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The metrics after pass@k and cons@k, one definition for every report (terminal table, summary.json, summary.md,
 * report.html): IFEval's four accuracies first when the run is IFEval, then G-Pass@k at each threshold and
 * mG-Pass@k.
 */
final class MetricSections {

    private MetricSections() {}

    /** Row label → value; instruction-level IFEval values are pooled ratios without a stderr (NaN). */
    static Map<String, Estimate> rows(Summary s) {
        Map<String, Estimate> out = new LinkedHashMap<>();
        IfEvalScores f = s.ifEval();
        if (f != null) {
            out.put("ifeval prompt-level strict", f.promptStrict());
            out.put("ifeval prompt-level loose", f.promptLoose());
            out.put("ifeval instruction-level strict", pooled(f.instructionStrict()));
            out.put("ifeval instruction-level loose", pooled(f.instructionLoose()));
        }
        s.gPassAtK().forEach((k, row) -> {
            row.byThreshold().forEach((tau, e) -> out.put("G-Pass@" + k + " τ=" + tau(tau), e));
            out.put("mG-Pass@" + k, row.mean());
        });
        return out;
    }

    private static Estimate pooled(double v) {
        return new Estimate(v, Double.NaN, Double.NaN, Double.NaN);
    }

    private static String tau(double t) {
        return String.format(Locale.ROOT, "%.2f", t);
    }

    /** {@code g-pass@k} (k → τ → estimate, plus {@code mg-pass}) and {@code ifeval} into summary.json. */
    static void json(Summary s, ObjectNode root) {
        ObjectNode g = root.putObject("g-pass@k");
        s.gPassAtK().forEach((k, row) -> {
            ObjectNode o = g.putObject(Integer.toString(k));
            row.byThreshold().forEach((tau, e) -> o.set(tau(tau), Reports.estimate(e)));
            o.set("mg-pass", Reports.estimate(row.mean()));
        });
        IfEvalScores f = s.ifEval();
        if (f == null) return;
        ObjectNode o = root.putObject("ifeval");
        o.set("prompt_level_strict", Reports.estimate(f.promptStrict()));
        o.set("prompt_level_loose", Reports.estimate(f.promptLoose()));
        o.put("instruction_level_strict", f.instructionStrict());
        o.put("instruction_level_loose", f.instructionLoose());
        ObjectNode by = o.putObject("by_instruction");
        f.byInstruction()
                .forEach((id, v) -> by.putObject(id).put("strict", v[0]).put("loose", v[1]));
    }

    /** IFEval's accuracy per instruction id, as a Markdown table (empty for other benchmarks). */
    static String markdownByInstruction(Summary s) {
        if (s.ifEval() == null) return "";
        StringBuilder b =
                new StringBuilder("## IFEval by instruction\n\n| instruction | strict % | loose % |\n|---|---|---|\n");
        s.ifEval()
                .byInstruction()
                .forEach((id, v) -> b.append("| ")
                        .append(id)
                        .append(" | ")
                        .append(Reports.pct(v[0]))
                        .append(" | ")
                        .append(Reports.pct(v[1]))
                        .append(" |\n"));
        return b.append('\n').toString();
    }
}
