package dev.r1serve.eval.distill;

import dev.r1serve.eval.grading.TaskKind;
import dev.r1serve.reward.sandbox.CodeTest;
import java.util.List;

/**
 * One prompt of a distillation set.
 *
 * @param id stable id (records, resumption and shards match prompts by it)
 * @param messages the conversation to answer, ending in a user turn
 * @param task how correctness is checked
 * @param reference the gold answer (math, gsm8k), letter (choice) or reference answer (open); for code the stub
 *     the answer completes, if any; null otherwise
 * @param choices option texts of a choice prompt (letters A, B, ... in this order), else empty
 * @param tests the tests of a code prompt, else empty
 * @param codeLanguage the language of a code prompt's answer ("python", "cpp")
 * @param targetLanguage the language the reasoning should be in ("en", "zh")
 */
public record DistillPrompt(
        String id,
        List<Message> messages,
        TaskKind task,
        String reference,
        List<String> choices,
        List<CodeTest> tests,
        String codeLanguage,
        String targetLanguage) {

    /** One chat turn. */
    public record Message(String role, String content) {}

    public DistillPrompt {
        messages = List.copyOf(messages);
        choices = List.copyOf(choices);
        tests = List.copyOf(tests);
    }

    /** The last user turn: what a judge is shown as the question. */
    public String question() {
        for (int i = messages.size() - 1; i >= 0; i--) {
            if (messages.get(i).role().equals("user")) return messages.get(i).content();
        }
        return "";
    }
}
