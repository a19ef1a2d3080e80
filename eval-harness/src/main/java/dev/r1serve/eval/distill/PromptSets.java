package dev.r1serve.eval.distill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1serve.eval.benchmark.Benchmark;
import dev.r1serve.eval.benchmark.DataFormatException;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.benchmark.JsonlObjects;
import dev.r1serve.eval.benchmark.Question;
import dev.r1serve.eval.benchmark.Variant;
import dev.r1serve.eval.grading.TaskKind;
import dev.r1serve.reward.LanguageReward;
import dev.r1serve.reward.sandbox.CodeTest;
import dev.r1serve.reward.sandbox.Language;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Prompt sets for {@code r1 distill}: a JSONL file of prompts, or the questions of a registered benchmark.
 *
 * <p>One JSON object per line:
 * <pre>
 * id               string or number, unique (required)
 * prompt           the user message, or
 * messages         [{"role": "system"|"user"|"assistant", "content": "..."}, ...] ending in a user turn
 * task             math (default) | gsm8k | choice | code | open | writing | qa
 * answer           the reference: required for math, gsm8k, choice (the letter) and open; for code,
 *                  optionally code that goes before the answer's (imports, helpers, a stub with its docstring;
 *                  an answer that does not define a function-call test's entry point continues it)
 * choices          option texts of a choice prompt (optional; lets the verifier accept the option's text)
 * tests            code: [{"stdin": "...", "stdout": "..."}] or [{"test_code": "def check(f): ...", "entry_point": "f"}]
 * language         code: python (default) or cpp
 * target_language  en | zh; default: zh when the prompt has more Chinese characters than Latin words, else en
 * </pre>
 * Errors name the file, the line and the field.
 */
public final class PromptSets {

    private PromptSets() {}

    /** Reads a prompt file. */
    public static List<DistillPrompt> read(Path file) {
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new DataFormatException(file + ": no such file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return parse(file.toString(), data);
    }

    /** Parses prompt JSONL; {@code file} names the source in errors. */
    public static List<DistillPrompt> parse(String file, byte[] data) {
        List<DistillPrompt> out = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        JsonlObjects.forEach(file, data, "prompts", (lineNo, node) -> {
            DistillPrompt p = prompt(new Where(file, lineNo), node);
            if (!ids.add(p.id()))
                throw DataFormatException.at(file, lineNo, "field \"id\": duplicate id \"" + p.id() + "\"");
            out.add(p);
        });
        return out;
    }

    /** The questions of a benchmark as prompts (the first displayed variant; its gold as reference). */
    public static List<DistillPrompt> fromBenchmark(Benchmark bench, Dataset data, long seed) {
        List<DistillPrompt> out = new ArrayList<>();
        TaskKind task = bench.grader();
        if (!task.isPromptTask()) {
            throw new IllegalArgumentException("--benchmark ifeval: distill has no instruction-following check;"
                    + " give the prompts with --data and task \"writing\"");
        }
        for (Question q : data.questions()) {
            Variant v = bench.variant(q, seed, 0);
            out.add(new DistillPrompt(
                    q.id(),
                    List.of(new DistillPrompt.Message("user", v.prompt())),
                    task,
                    v.gold(),
                    v.choices(),
                    v.tests(),
                    "python",
                    targetLanguage(v.prompt())));
        }
        return out;
    }

    /** zh when the text has more Han characters than Latin words, else en. */
    public static String targetLanguage(String text) {
        LanguageReward.WordCounts w = LanguageReward.count(text);
        return w.han() > w.latin() ? "zh" : "en";
    }

    private record Where(String file, int line) {
        DataFormatException error(String field, String problem) {
            return DataFormatException.at(file, line, "field \"" + field + "\": " + problem);
        }
    }

    private static DistillPrompt prompt(Where at, JsonNode n) {
        JsonNode idNode = n.get("id");
        if (idNode == null
                || !(idNode.isTextual() || idNode.isIntegralNumber())
                || idNode.asText().isBlank()) {
            throw at.error("id", "required, a non-empty string or integer");
        }
        String id = idNode.asText();
        List<DistillPrompt.Message> messages = new ArrayList<>();
        JsonNode prompt = n.get("prompt"), msgs = n.get("messages");
        if ((prompt == null) == (msgs == null))
            throw at.error("prompt", "give exactly one of \"prompt\" and \"messages\"");
        if (prompt != null) {
            if (!prompt.isTextual() || prompt.asText().isBlank())
                throw at.error("prompt", "must be a non-empty string");
            messages.add(new DistillPrompt.Message("user", prompt.asText()));
        } else {
            if (!msgs.isArray() || msgs.isEmpty())
                throw at.error("messages", "must be a non-empty array of {role, content}");
            for (int i = 0; i < msgs.size(); i++) {
                JsonNode m = msgs.get(i);
                String role = m.path("role").asText("");
                if (!m.path("content").isTextual()) throw at.error("messages[" + i + "].content", "must be a string");
                if (!Set.of("system", "user", "assistant").contains(role)) {
                    throw at.error(
                            "messages[" + i + "].role", "must be system, user or assistant, got \"" + role + "\"");
                }
                messages.add(new DistillPrompt.Message(role, m.get("content").asText()));
            }
            if (!messages.get(messages.size() - 1).role().equals("user"))
                throw at.error("messages", "the last turn must be the user's");
        }
        String taskText = text(at, n, "task");
        TaskKind task = taskText == null
                ? TaskKind.MATH
                : TaskKind.parsePromptTask(taskText)
                        .orElseThrow(() -> at.error(
                                "task", "unknown task \"" + taskText + "\"; one of " + TaskKind.promptTaskLabels()));
        String reference = text(at, n, "answer");
        boolean needsReference =
                task == TaskKind.MATH || task == TaskKind.GSM8K || task == TaskKind.CHOICE || task == TaskKind.OPEN;
        if (needsReference && (reference == null || reference.isBlank())) {
            throw at.error("answer", "required for task " + task.label() + " (the reference answer)");
        }
        List<String> choices = new ArrayList<>();
        JsonNode cs = n.get("choices");
        if (cs != null) {
            if (!cs.isArray()) throw at.error("choices", "must be an array of option texts");
            cs.forEach(c -> choices.add(c.asText()));
        }
        String language = text(at, n, "language");
        if (language == null) language = "python";
        List<CodeTest> tests = new ArrayList<>();
        if (task == TaskKind.CODE) {
            if (Language.parse(language).isEmpty())
                throw at.error("language", "python or cpp, got \"" + language + "\"");
            JsonNode ts = n.get("tests");
            if (ts == null || !ts.isArray() || ts.isEmpty())
                throw at.error("tests", "required for task code, a non-empty array");
            for (int i = 0; i < ts.size(); i++) {
                JsonNode t = ts.get(i);
                String testCode = t.has("test_code")
                        ? t.get("test_code").asText()
                        : t.path("test").asText("");
                if (!testCode.isBlank()) {
                    String entry = t.path("entry_point").asText("");
                    if (entry.isBlank()) throw at.error("tests[" + i + "].entry_point", "required with test_code");
                    tests.add(CodeTest.call(testCode, entry));
                } else if (t.has("stdout")) {
                    tests.add(CodeTest.io(
                            t.path("stdin").asText(""), t.get("stdout").asText()));
                } else {
                    throw at.error("tests[" + i + "]", "needs stdin/stdout or test_code/entry_point");
                }
            }
        }
        String target = text(at, n, "target_language");
        if (target == null)
            target = targetLanguage(messages.get(messages.size() - 1).content());
        if (!LanguageReward.supports(target)) throw at.error("target_language", "en or zh, got \"" + target + "\"");
        return new DistillPrompt(id, messages, task, reference, choices, tests, language, target);
    }

    private static String text(Where at, JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isValueNode()) throw at.error(field, "must be a string");
        return v.asText();
    }
}
