package dev.r1serve.eval.metrics;

import dev.r1serve.eval.benchmark.Question;
import dev.r1serve.eval.ifeval.IfEvalData;
import dev.r1serve.eval.ifeval.IfEvalGrading;
import dev.r1serve.eval.ifeval.Instruction;
import dev.r1serve.eval.sampling.SampleRecord;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * IFEval's four metrics (Zhou et al. 2023, as the reference's {@code evaluation_main} prints them), over every
 * sample: prompt-level = share of responses that follow all their prompt's instructions; instruction-level = share
 * of all (response, instruction) pairs followed. Strict checks the answer as it is, loose its forgiving variants.
 * With k samples a prompt's prompt-level value is the mean over its samples (so it is pass@1), and
 * instruction-level pools all samples' instructions, as the reference pools all prompts'.
 *
 * @param promptStrict prompt-level strict accuracy (the paper's Table 4 number), with uncertainty over prompts
 * @param promptLoose prompt-level loose accuracy
 * @param instructionStrict instruction-level strict accuracy
 * @param instructionLoose instruction-level loose accuracy
 * @param byInstruction per instruction id: {strict, loose} accuracy over its occurrences
 */
public record IfEvalScores(
        Estimate promptStrict,
        Estimate promptLoose,
        double instructionStrict,
        double instructionLoose,
        Map<String, double[]> byInstruction) {

    /** The scores of graded IFEval samples (each question's samples by id). */
    public static IfEvalScores compute(List<Question> questions, Map<String, List<SampleRecord>> samples) {
        double[] ps = new double[questions.size()], pl = new double[questions.size()];
        long total = 0, strict = 0, loose = 0;
        Map<String, long[]> per = new TreeMap<>();
        for (int q = 0; q < questions.size(); q++) {
            List<Instruction> ins = IfEvalData.instructions(questions.get(q).gold());
            List<SampleRecord> ss = samples.getOrDefault(questions.get(q).id(), List.of());
            int allS = 0, allL = 0;
            for (SampleRecord s : ss) {
                boolean[][] f = IfEvalGrading.followed(s.rule(), ins.size());
                boolean everyS = true, everyL = true;
                for (int i = 0; i < ins.size(); i++) {
                    long[] c = per.computeIfAbsent(ins.get(i).id(), x -> new long[3]);
                    c[0]++;
                    total++;
                    if (f[i][0]) {
                        strict++;
                        c[1]++;
                    } else everyS = false;
                    if (f[i][1]) {
                        loose++;
                        c[2]++;
                    } else everyL = false;
                }
                if (everyS) allS++;
                if (everyL) allL++;
            }
            ps[q] = ss.isEmpty() ? 0 : (double) allS / ss.size();
            pl[q] = ss.isEmpty() ? 0 : (double) allL / ss.size();
        }
        Map<String, double[]> by = new TreeMap<>();
        per.forEach((id, c) -> by.put(id, new double[] {(double) c[1] / c[0], (double) c[2] / c[0]}));
        return new IfEvalScores(
                Estimate.of(ps),
                Estimate.of(pl),
                total == 0 ? 0 : (double) strict / total,
                total == 0 ? 0 : (double) loose / total,
                by);
    }
}
