package dev.r1serve.eval.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.eval.benchmark.DataFormatException;
import dev.r1serve.eval.grading.TaskKind;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Prompt files: every field read, and every mistake named by file, line and field. */
class PromptSetsTest {

    private static List<DistillPrompt> parse(String text) {
        return PromptSets.parse("p.jsonl", text.getBytes(StandardCharsets.UTF_8));
    }

    private static String error(String text) {
        return assertThrows(DataFormatException.class, () -> parse(text)).getMessage();
    }

    @Test
    void readsEveryField() {
        List<DistillPrompt> ps = parse("""
                {"id": 1, "prompt": "What is 6*7?", "answer": "42"}
                {"id": "c", "task": "code", "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Double n."}], "tests": [{"stdin": "2", "stdout": "4"}, {"test_code": "def check(f): assert f(2) == 4", "entry_point": "double"}]}
                {"id": "z", "prompt": "六乘以七等于多少？", "task": "choice", "answer": "B", "choices": ["41", "42"]}

                {"id": "w", "prompt": "Write a haiku.", "task": "writing", "target_language": "en"}
                """);
        assertEquals(4, ps.size());
        assertEquals(TaskKind.MATH, ps.get(0).task());
        assertEquals("1", ps.get(0).id());
        assertEquals("en", ps.get(0).targetLanguage());
        DistillPrompt code = ps.get(1);
        assertEquals(2, code.messages().size());
        assertEquals("Double n.", code.question());
        assertEquals(2, code.tests().size());
        assertTrue(code.tests().get(1).isFunctionCall());
        assertEquals("zh", ps.get(2).targetLanguage(), "Chinese prompts default to a Chinese target");
        assertEquals(List.of("41", "42"), ps.get(2).choices());
        assertEquals(false, ps.get(3).task().reasoning());
    }

    @Test
    void mistakesNameTheLineAndTheField() {
        assertEquals(
                "p.jsonl:1: field \"id\": required, a non-empty string or integer",
                error("{\"prompt\": \"x\", \"answer\": \"1\"}"));
        assertTrue(error("{\"id\": 1, \"answer\": \"1\"}").contains("field \"prompt\": give exactly one of"));
        assertTrue(error("{\"id\": 1, \"prompt\": \"x\"}")
                .contains("p.jsonl:1: field \"answer\": required for task math"));
        assertTrue(error("{\"id\": 1, \"prompt\": \"x\", \"task\": \"poetry\"}")
                .contains("field \"task\": unknown task \"poetry\""));
        assertTrue(error("{\"id\": 1, \"prompt\": \"x\", \"task\": \"code\"}")
                .contains("field \"tests\": required for task code"));
        assertTrue(error("{\"id\": 1, \"prompt\": \"x\", \"task\": \"code\", \"tests\": [{\"stdin\": \"1\"}]}")
                .contains("field \"tests[0]\""));
        assertTrue(error("{\"id\": 1, \"messages\": [{\"role\": \"bot\", \"content\": \"x\"}]}")
                .contains("field \"messages[0].role\""));
        assertTrue(error(
                        "{\"id\": 1, \"messages\": [{\"role\": \"user\", \"content\": \"x\"}, {\"role\": \"assistant\", \"content\": \"y\"}]}")
                .contains("the last turn must be the user's"));
        assertTrue(error("{\"id\": 1, \"prompt\": \"x\", \"answer\": \"1\", \"target_language\": \"fr\"}")
                .contains("field \"target_language\""));
        assertTrue(error(
                        "{\"id\": 1, \"prompt\": \"x\", \"answer\": \"1\"}\n{\"id\": 1, \"prompt\": \"y\", \"answer\": \"2\"}")
                .startsWith("p.jsonl:2: field \"id\": duplicate id"));
        assertTrue(error("not json").startsWith("p.jsonl:1: not valid JSON"));
        assertEquals("p.jsonl: no prompts (the file is empty)", error("\n\n"));
    }

    @Test
    void judgeVerdictsAreTheLastCorrectOrIncorrect() {
        assertEquals(Boolean.TRUE, ModelJudge.parse("CORRECT").correct());
        assertEquals(Boolean.FALSE, ModelJudge.parse("INCORRECT").correct());
        assertEquals(
                Boolean.FALSE,
                ModelJudge.parse("At first it looks correct, but it is incorrect.")
                        .correct());
        assertEquals(Boolean.TRUE, ModelJudge.parse("Not incorrect: Correct").correct());
        assertEquals(Boolean.FALSE, ModelJudge.parse("I cannot tell").correct());
        assertTrue(ModelJudge.parse("I cannot tell").detail().startsWith("judge gave no verdict"));
    }

    @Test
    void filtersMeasureParagraphsAndCode() {
        assertEquals(5, Filters.longestParagraph("abc\n\nabcde\n \nab"));
        assertTrue(Filters.hasCodeBlock("see\n```python\nx\n```"));
        assertEquals(1.0, DistillRunner.languageConsistency("$x^2$", "en"), "formulas only: nothing mixed");
        assertEquals(0.4, DistillRunner.languageConsistency("Let me 想一下", "en"), 1e-12);
    }

    @Test
    void limitsAreCheckedAndNamed() {
        java.nio.file.Path out = java.nio.file.Path.of("unused");
        java.nio.file.Path data = java.nio.file.Path.of("p.jsonl");
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> DistillSpec.builder("h:1", out).data(data).k(65).build())
                .getMessage()
                .contains("--k must be in 1..64"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> DistillSpec.builder("h:1", out).data(data).k(0).build())
                .getMessage()
                .contains("--k"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> DistillSpec.builder("h:1", out).build())
                .getMessage()
                .contains("exactly one of --data and --benchmark"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> DistillSpec.builder("h:1", out)
                                .data(data)
                                .benchmark("math500", null)
                                .build())
                .getMessage()
                .contains("exactly one of --data and --benchmark"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> DistillSpec.builder("h:1", out)
                                .data(data)
                                .concurrency(0)
                                .build())
                .getMessage()
                .contains("--concurrency"));
        assertTrue(assertThrows(
                        IllegalArgumentException.class,
                        () -> DistillSpec.builder("h:1", out)
                                .data(data)
                                .maxTokens(0)
                                .build())
                .getMessage()
                .contains("--max-tokens"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FilterConfig(1.5, 10, true, true, true))
                .getMessage()
                .contains("--min-language-consistency"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new FilterConfig(0.5, -1, true, true, true))
                .getMessage()
                .contains("--max-paragraph-chars"));
    }
}
