package dev.r1serve.eval.metrics;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The metrics of a complete run.
 *
 * @param k samples per question (every question has exactly k)
 * @param pass1 mean correctness over the k samples, averaged over questions
 * @param passAtK unbiased pass@k' for k' in 1, 2, 4, ... and k
 * @param consAtK majority-vote accuracy
 * @param consTies questions whose vote was tied (decided by the earliest sample)
 * @param consNoAnswer questions where no sample had an answer to vote for
 * @param noAnswerSamples samples without an extracted answer (truncated or unparseable)
 * @param finishReasons samples per finish reason
 * @param breakdowns attribute → value → pass@1 of the questions with that value
 * @param meanTokensCorrect mean completion tokens of correct samples (NaN when none)
 * @param meanTokensWrong mean completion tokens of wrong samples (NaN when none)
 * @param gPassAtK G-Pass@k' at the thresholds and mG-Pass@k' for k' in 2, 4, ... and k (empty when k = 1)
 * @param ifEval IFEval's prompt- and instruction-level strict and loose accuracy; null for other benchmarks
 */
public record Summary(
        int questions,
        int k,
        int samples,
        int correctSamples,
        Estimate pass1,
        SortedMap<Integer, Estimate> passAtK,
        Estimate consAtK,
        int consTies,
        int consNoAnswer,
        int noAnswerSamples,
        Map<String, Integer> finishReasons,
        Map<String, Map<String, Estimate>> breakdowns,
        double meanTokens,
        double meanTokensCorrect,
        double meanTokensWrong,
        List<QuestionResult> perQuestion,
        SortedMap<Integer, GPassAtK.Row> gPassAtK,
        IfEvalScores ifEval) {}
