package dev.r1serve.eval;

import dev.r1serve.eval.benchmark.FieldMap;
import dev.r1serve.eval.benchmark.GraderKind;

/**
 * What a run was computed from, written to {@code run.json} before the first sample: enough to reproduce it, to
 * re-grade it without a server, and to refuse resuming it with different settings.
 *
 * @param dataPath the user-given data file, null for bundled data
 * @param dataSha256 SHA-256 of the data file's bytes
 * @param questions questions evaluated (after {@code limit})
 * @param promptTemplate the user-message template ({@code {question}}, {@code {options}})
 * @param chat whether prompts went through the model's chat template (false for template "none": raw text)
 * @param prefillThink whether the assistant turn was pre-filled with {@code <think>\n}
 * @param seed the run seed
 */
public record RunManifest(String benchmark, String dataPath, String dataSource, String dataSha256, FieldMap customFields,
                          GraderKind grader, int questions, int limit, String promptTemplate, String graderVersion,
                          String model, String modelTemplate, boolean chat, boolean prefillThink, int k,
                          double temperature, double topP, int maxTokens, long seed, String server) {

    /** Whether a run recorded with {@code this} may be continued with {@code other} (all but the server match). */
    public boolean sameRunAs(RunManifest other) {
        return benchmark.equals(other.benchmark) && dataSha256.equals(other.dataSha256) && questions == other.questions
                && promptTemplate.equals(other.promptTemplate) && model.equals(other.model) && chat == other.chat
                && prefillThink == other.prefillThink && k == other.k && temperature == other.temperature
                && topP == other.topP && maxTokens == other.maxTokens && seed == other.seed;
    }
}
