package dev.r1serve.eval.sampling;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress line of a run: questions done, samples/s, tokens/s, ETA and running accuracy. On a terminal the
 * line is redrawn in place at most every 0.5 s; otherwise (a log file) a line is printed every 10 s.
 */
public final class Progress {

    private final PrintStream out;
    private final int totalQuestions;
    private final int totalSamples;
    private final boolean redraw;
    private final long startNanos = System.nanoTime();
    private int questionsDone;
    private int samplesDone;
    private int correct;
    private long tokens;
    private long lastPrint;
    private final int alreadyDone;
    private final String task, unit, share;

    /**
     * A progress line such as {@code "distill: 3/10 prompts | ... | pass 0.400"}.
     *
     * @param out where to print (stderr), or null for silence
     * @param alreadyDone samples recorded before this process started (resumption); they count as done but
     *     not towards the rates
     * @param share what the running share of {@link #sample(boolean, int)}'s flag is called
     */
    public Progress(
            PrintStream out,
            String task,
            String unit,
            String share,
            int totalQuestions,
            int totalSamples,
            int questionsAlreadyDone,
            int alreadyDone) {
        this.task = task;
        this.unit = unit;
        this.share = share;
        this.out = out;
        this.totalQuestions = totalQuestions;
        this.totalSamples = totalSamples;
        this.questionsDone = questionsAlreadyDone;
        this.alreadyDone = alreadyDone;
        this.samplesDone = alreadyDone;
        this.redraw = System.console() != null;
    }

    /** Counts a finished sample. */
    public synchronized void sample(boolean isCorrect, int completionTokens) {
        samplesDone++;
        if (isCorrect) correct++;
        tokens += completionTokens;
        maybePrint(false);
    }

    /** Counts a question whose samples are all recorded. */
    public synchronized void question() {
        questionsDone++;
        maybePrint(false);
    }

    /** Prints the final state and ends the line. */
    public synchronized void finish() {
        maybePrint(true);
    }

    private void maybePrint(boolean force) {
        if (out == null) return;
        long now = System.nanoTime();
        long interval = redraw ? 500_000_000L : 10_000_000_000L;
        if (!force && now - lastPrint < interval) return;
        lastPrint = now;
        double secs = Math.max(1e-9, (now - startNanos) / 1e9);
        int fresh = samplesDone - alreadyDone;
        double sps = fresh / secs;
        double eta = sps > 0 ? (totalSamples - samplesDone) / sps : Double.NaN;
        String line = String.format(
                Locale.ROOT,
                "%s: %d/%d %s | %d/%d samples | %.1f samples/s | %.0f tok/s | %s %s | ETA %s",
                task,
                questionsDone,
                totalQuestions,
                unit,
                samplesDone,
                totalSamples,
                sps,
                tokens / secs,
                share,
                fresh == 0 ? "-" : String.format(Locale.ROOT, "%.3f", (double) correct / fresh),
                formatEta(eta));
        if (redraw) {
            out.print("\r" + line + (force ? "\n" : ""));
        } else {
            out.println(line);
        }
        out.flush();
    }

    private static String formatEta(double s) {
        if (Double.isNaN(s) || Double.isInfinite(s)) return "-";
        long t = Math.round(s);
        return t >= 3600
                ? String.format(Locale.ROOT, "%dh%02dm", t / 3600, t % 3600 / 60)
                : String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
    }
}
