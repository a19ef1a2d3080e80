package dev.r1serve.reward;

import dev.r1serve.proto.v1.CodeTest;
import dev.r1serve.proto.v1.RewardValue;
import dev.r1serve.proto.v1.RewardWeights;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.reward.metrics.RewardMetrics;
import dev.r1serve.reward.sandbox.CodeTests;
import dev.r1serve.reward.sandbox.Language;
import dev.r1serve.reward.sandbox.RunScope;
import dev.r1serve.reward.sandbox.SandboxPool;
import dev.r1serve.reward.verify.Verdict;
import dev.r1serve.reward.verify.Verifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Rule-based rewards of one rollout (DeepSeek-R1 sec. 2.2.2): accuracy, format, language consistency and,
 * optionally, an overlong penalty; the total is their weighted sum (unset weights are 1). Usable in-process;
 * the gRPC service is a thin layer over it. Thread-safe.
 *
 * <ul>
 *   <li><b>accuracy</b> (math, choice, code; none for FORMAT_ONLY): math and choice go through the shared
 *       {@link Verifier}s on the answer part of the completion (inside the last {@code <answer>…</answer>},
 *       else after the last {@code </think>}; a think block that never closes scores 0); code is the answer's
 *       last fenced code block (or the whole answer), run against every test in the sandbox: 1 if all pass
 *       (or the share passed, with {@link RewardOptions#codePartialCredit()}).</li>
 *   <li><b>format</b>: {@link FormatReward}.</li>
 *   <li><b>language</b>: {@link LanguageReward}, only when the rollout names a target language.</li>
 *   <li><b>length</b>: {@link LengthPenalty}, only when configured.</li>
 * </ul>
 */
public final class RewardScorer {

    private static final Pattern FENCE = Pattern.compile("(?s)```[ \\t]*([A-Za-z0-9+#_-]*)[^\\n]*\\n(.*?)```");

    private final RewardOptions options;
    private final SandboxPool sandbox; // null: code tasks score 0 with a reason
    private final RewardMetrics metrics;
    private final Verifier math = Verifier.math();
    private final Verifier choice = Verifier.choice(10);

    public RewardScorer(RewardOptions options, SandboxPool sandbox, RewardMetrics metrics) {
        this.options = options;
        this.sandbox = sandbox;
        this.metrics = metrics;
    }

    public RewardOptions options() {
        return options;
    }

    /** Scores one rollout (no advantage: that needs the whole group, see {@link #withAdvantages}). */
    public CompletionStage<RolloutResult> score(Rollout r) {
        return score(r, RunScope.NONE);
    }

    /**
     * As {@link #score(Rollout)}; a code task's sandbox runs belong to {@code scope}, and fail with a
     * CancellationException once it is cancelled.
     */
    public CompletionStage<RolloutResult> score(Rollout r, RunScope scope) {
        Completion c = Completion.of(r.getPrompt(), r.getCompletion());
        CompletionStage<Reward> accuracy = switch (r.getTaskType()) {
            case TASK_TYPE_MATH ->
                CompletableFuture.completedFuture(verify(math, r.getReference().getAnswer(), c));
            case TASK_TYPE_CHOICE ->
                CompletableFuture.completedFuture(
                        verify(choice, r.getReference().getAnswer(), c));
            case TASK_TYPE_CODE -> code(r, c, scope);
            default -> CompletableFuture.completedFuture(null);
        };
        return accuracy.thenApply(acc -> {
            List<Reward> rewards = new ArrayList<>(4);
            if (acc != null) rewards.add(acc);
            rewards.add(FormatReward.score(c, options.formatPartialCredit()));
            if (!r.getTargetLanguage().isEmpty()) rewards.add(LanguageReward.score(c, r.getTargetLanguage()));
            if (options.lengthPenalty() != null)
                rewards.add(options.lengthPenalty().score(r.getCompletion()));
            return result(r, rewards);
        });
    }

    private RolloutResult result(Rollout r, List<Reward> rewards) {
        RolloutResult.Builder b = RolloutResult.newBuilder().setId(r.getId()).setGroupId(r.getGroupId());
        double total = 0;
        String task = r.getTaskType().name().substring("TASK_TYPE_".length()).toLowerCase(Locale.ROOT);
        for (Reward w : rewards) {
            b.addRewards(RewardValue.newBuilder()
                    .setName(w.name())
                    .setValue(w.value())
                    .setReason(w.reason()));
            total += weight(r.getWeights(), w.name()) * w.value();
            if (metrics != null) metrics.rewardScored(w.name(), task);
        }
        return b.setTotal(total).build();
    }

    private static double weight(RewardWeights w, String name) {
        return switch (name) {
            case Reward.ACCURACY -> w.hasAccuracy() ? w.getAccuracy() : 1;
            case Reward.FORMAT -> w.hasFormat() ? w.getFormat() : 1;
            case Reward.LANGUAGE -> w.hasLanguage() ? w.getLanguage() : 1;
            case Reward.LENGTH -> w.hasLength() ? w.getLength() : 1;
            default -> 1;
        };
    }

    private static Reward verify(Verifier v, String gold, Completion c) {
        if (c.reasoningUnclosed())
            return new Reward(Reward.ACCURACY, 0, "reasoning never closed (</think> missing): no answer");
        Verdict d = v.verify(gold, c.answer());
        String reason = (d.equivalent() ? "correct" : "wrong") + ": predicted " + d.predExtracted() + ", gold "
                + d.goldExtracted() + " (" + d.rule() + ": " + d.reason() + ")";
        return new Reward(Reward.ACCURACY, d.equivalent() ? 1 : 0, reason);
    }

    private CompletionStage<Reward> code(Rollout r, Completion c, RunScope scope) {
        if (c.reasoningUnclosed()) {
            return CompletableFuture.completedFuture(new Reward(Reward.ACCURACY, 0, "reasoning never closed: no code"));
        }
        Language lang = Language.parse(
                        r.getReference().getLanguage().isEmpty()
                                ? "python"
                                : r.getReference().getLanguage())
                .orElseThrow(() -> new IllegalArgumentException("reference.language not supported"));
        if (sandbox == null || !sandbox.sandbox().supports(lang)) {
            return CompletableFuture.completedFuture(new Reward(
                    Reward.ACCURACY,
                    0,
                    "no sandbox for " + lang.label() + " on this server (needs bubblewrap: apt-get install bubblewrap"
                            + (lang == Language.CPP ? ", and g++" : "") + ")"));
        }
        String code = extractCode(c.answer());
        if (code.isBlank())
            return CompletableFuture.completedFuture(new Reward(Reward.ACCURACY, 0, "no code in the answer"));
        List<dev.r1serve.reward.sandbox.CodeTest> tests = new ArrayList<>();
        for (CodeTest t : r.getReference().getTestsList()) {
            tests.add(new dev.r1serve.reward.sandbox.CodeTest(
                    t.getStdin(), t.getExpectedStdout(), t.getTestCode(), t.getEntryPoint(), t.getTestSetup()));
        }
        return CodeTests.run(sandbox, lang, code, tests, options.codeLimits(), scope)
                .thenApply(outcomes -> {
                    CodeTests.Summary s = CodeTests.summarize(outcomes);
                    double value =
                            options.codePartialCredit() ? (double) s.passed() / s.total() : s.allPassed() ? 1 : 0;
                    return new Reward(Reward.ACCURACY, value, s.toString());
                });
    }

    /** The last fenced code block of the answer, else the answer itself. */
    public static String extractCode(String answer) {
        Matcher m = FENCE.matcher(answer);
        String last = null;
        while (m.find()) last = m.group(2);
        return last != null ? last : answer.strip();
    }

    /**
     * Sets GRPO advantages on a complete group (in the order given), from each result's total.
     */
    public static List<RolloutResult> withAdvantages(List<RolloutResult> group, Grpo.Options options) {
        double[] totals = group.stream().mapToDouble(RolloutResult::getTotal).toArray();
        double[] a = Grpo.advantages(totals, options);
        List<RolloutResult> out = new ArrayList<>(group.size());
        for (int i = 0; i < group.size(); i++)
            out.add(group.get(i).toBuilder().setAdvantage(a[i]).build());
        return out;
    }
}
