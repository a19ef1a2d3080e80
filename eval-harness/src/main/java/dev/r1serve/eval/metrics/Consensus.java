package dev.r1serve.eval.metrics;

import dev.r1serve.eval.grading.Grader;
import dev.r1serve.eval.sampling.SampleRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * Majority voting (cons@k) over one question's samples: answers are clustered by verifier equivalence, samples
 * without an answer do not vote, and a tie goes to the cluster whose first member came earliest (clusters are
 * opened in sample order, so that is the first tied cluster).
 */
public final class Consensus {

    /**
     * The vote of one question.
     *
     * @param answer the winning answer, null when no sample answered
     * @param correct whether the winning cluster is correct (the grade of its earliest sample)
     * @param tie whether another cluster had as many votes
     * @param votes votes of the winning cluster
     */
    public record Result(String answer, boolean correct, boolean tie, int votes) {
        public boolean noAnswer() {
            return answer == null;
        }
    }

    private Consensus() {}

    /** Votes over {@code samples} (any order; sorted by sample index here). */
    public static Result vote(List<SampleRecord> samples, Grader grader) {
        List<SampleRecord> sorted = new ArrayList<>(samples);
        sorted.sort((a, b) -> Integer.compare(a.sample(), b.sample()));
        List<SampleRecord> reps = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (SampleRecord s : sorted) {
            if (s.vote() == null || s.vote().isBlank()) continue;
            int found = -1;
            for (int i = 0; i < reps.size() && found < 0; i++) {
                if (grader.sameAnswer(reps.get(i).vote(), s.vote())) found = i;
            }
            if (found < 0) {
                reps.add(s);
                counts.add(1);
            } else {
                counts.set(found, counts.get(found) + 1);
            }
        }
        if (reps.isEmpty()) return new Result(null, false, false, 0);
        int best = 0;
        for (int i = 1; i < reps.size(); i++) {
            if (counts.get(i) > counts.get(best)) best = i; // strictly more: earlier clusters win ties
        }
        boolean tie = false;
        for (int i = 0; i < reps.size(); i++) {
            if (i != best && counts.get(i).equals(counts.get(best))) tie = true;
        }
        return new Result(reps.get(best).vote(), reps.get(best).correct(), tie, counts.get(best));
    }
}
