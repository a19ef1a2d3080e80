package dev.r1serve.reward.grpc;

import dev.r1serve.proto.v1.AdvantageOptions;
import dev.r1serve.proto.v1.CodeTest;
import dev.r1serve.proto.v1.RewardWeights;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.TaskType;
import dev.r1serve.reward.Grpo;
import dev.r1serve.reward.LanguageReward;
import dev.r1serve.reward.sandbox.Language;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** Checks rollouts before any work; every failure is INVALID_ARGUMENT with a message that names the field. */
public final class RolloutValidator {

    /** Largest group accepted (GRPO uses 16 to 64). */
    public static final int MAX_GROUP_SIZE = 1024;
    /** Longest prompt, completion, answer or test, in chars. */
    public static final int MAX_TEXT_CHARS = 1 << 20;

    static final int MAX_TESTS = 256;
    /** A definition of (or assignment to) {@code check}: the name the harness calls. */
    private static final java.util.regex.Pattern CHECK =
            java.util.regex.Pattern.compile("(?m)^\\s*(def\\s+check\\s*\\(|check\\s*=)");

    private RolloutValidator() {}

    /** Validates one rollout; {@code field} prefixes the field names (e.g. "rollouts[3]" or "rollout"). */
    public static void validate(Rollout r, String field) {
        if (r.getId().isEmpty()) throw invalid(field + ".id is required");
        if (r.getGroupId().isEmpty()) throw invalid(field + ".group_id is required");
        if (r.getGroupSize() < 1 || r.getGroupSize() > MAX_GROUP_SIZE) {
            throw invalid(field + ".group_size must be in [1, " + MAX_GROUP_SIZE + "], got " + r.getGroupSize());
        }
        if (r.getTaskType() == TaskType.TASK_TYPE_UNSPECIFIED || r.getTaskType() == TaskType.UNRECOGNIZED) {
            throw invalid(field + ".task_type is required (MATH, CHOICE, CODE or FORMAT_ONLY)");
        }
        if (r.getPrompt().length() > MAX_TEXT_CHARS)
            throw invalid(field + ".prompt is over " + MAX_TEXT_CHARS + " chars");
        if (r.getCompletion().length() > MAX_TEXT_CHARS)
            throw invalid(field + ".completion is over " + MAX_TEXT_CHARS + " chars");
        var ref = r.getReference();
        switch (r.getTaskType()) {
            case TASK_TYPE_MATH, TASK_TYPE_CHOICE -> {
                if (ref.getAnswer().isBlank())
                    throw invalid(field + ".reference.answer is required for " + r.getTaskType());
                if (ref.getAnswer().length() > MAX_TEXT_CHARS) throw invalid(field + ".reference.answer is too long");
            }
            case TASK_TYPE_CODE -> {
                if (ref.getTestsCount() == 0) throw invalid(field + ".reference.tests is required for TASK_TYPE_CODE");
                if (ref.getTestsCount() > MAX_TESTS)
                    throw invalid(field + ".reference.tests has more than " + MAX_TESTS + " tests");
                if (!ref.getLanguage().isEmpty()
                        && Language.parse(ref.getLanguage()).isEmpty()) {
                    throw invalid(
                            field + ".reference.language '" + ref.getLanguage() + "' is not supported (python, cpp)");
                }
                for (int i = 0; i < ref.getTestsCount(); i++) {
                    CodeTest t = ref.getTests(i);
                    String tf = field + ".reference.tests[" + i + "]";
                    if (!t.getTestCode().isBlank() && t.getEntryPoint().isBlank()) {
                        throw invalid(tf + ".entry_point is required with test_code");
                    }
                    if (!t.getEntryPoint().isBlank() && !t.getEntryPoint().matches("[A-Za-z_][A-Za-z0-9_]*")) {
                        throw invalid(tf + ".entry_point must be an identifier");
                    }
                    if (!t.getTestCode().isBlank()) {
                        if (!ref.getLanguage().isEmpty()
                                && Language.parse(ref.getLanguage()).orElse(null) != Language.PYTHON) {
                            throw invalid(
                                    tf + ".test_code: function-call tests are Python only (reference.language is '"
                                            + ref.getLanguage() + "')");
                        }
                        if (!CHECK.matcher(t.getTestCode()).find()) {
                            throw invalid(tf + ".test_code must define check(candidate)");
                        }
                    } else if (!t.getTestSetup().isBlank()) {
                        throw invalid(tf + ".test_setup is only for function-call tests (with test_code)");
                    }
                    if (t.getStdin().length()
                                    + t.getExpectedStdout().length()
                                    + t.getTestCode().length()
                                    + t.getTestSetup().length()
                            > MAX_TEXT_CHARS) {
                        throw invalid(tf + " is over " + MAX_TEXT_CHARS + " chars");
                    }
                }
            }
            default -> {}
        }
        if (!r.getTargetLanguage().isEmpty() && !LanguageReward.supports(r.getTargetLanguage())) {
            throw invalid(field + ".target_language '" + r.getTargetLanguage() + "' is not supported (en, zh)");
        }
        RewardWeights w = r.getWeights();
        checkWeight(w.hasAccuracy(), w.getAccuracy(), field + ".weights.accuracy");
        checkWeight(w.hasFormat(), w.getFormat(), field + ".weights.format");
        checkWeight(w.hasLanguage(), w.getLanguage(), field + ".weights.language");
        checkWeight(w.hasLength(), w.getLength(), field + ".weights.length");
    }

    private static void checkWeight(boolean has, double v, String field) {
        if (has && !Double.isFinite(v)) throw invalid(field + " must be finite");
    }

    /** Request advantage options over the server's defaults. */
    public static Grpo.Options advantage(AdvantageOptions o, boolean present, Grpo.Options defaults) {
        if (!present) return defaults;
        Grpo.Normalization n = switch (o.getNormalization()) {
            case NORMALIZATION_POPULATION -> Grpo.Normalization.POPULATION;
            case NORMALIZATION_SAMPLE -> Grpo.Normalization.SAMPLE;
            case NORMALIZATION_NONE -> Grpo.Normalization.NONE;
            case NORMALIZATION_UNSPECIFIED -> defaults.normalization();
            default -> throw invalid("advantage.normalization is not a known value");
        };
        double eps = o.hasEps() ? o.getEps() : defaults.eps();
        if (!(eps >= 0) || Double.isInfinite(eps)) throw invalid("advantage.eps must be finite and >= 0");
        return new Grpo.Options(n, eps);
    }

    static StatusRuntimeException invalid(String message) {
        return Status.INVALID_ARGUMENT.withDescription(message).asRuntimeException();
    }
}
