package dev.r1serve.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.eval.benchmark.Benchmark;
import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.DataFormatException;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.benchmark.Question;
import dev.r1serve.eval.grading.Grade;
import dev.r1serve.eval.grading.Grader;
import dev.r1serve.eval.grading.TaskKind;
import dev.r1serve.reward.sandbox.Sandbox;
import dev.r1serve.reward.sandbox.SandboxUnavailableException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HumanEval and LiveCodeBench: loaders, and grading by running the answers in the reward sandbox. */
class CodeBenchmarksTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void sandbox() {
        try {
            Sandbox.detect().close();
        } catch (SandboxUnavailableException e) {
            assumeTrue(false, "needs bubblewrap: " + e.getMessage());
        }
    }

    /** Acceptance: every HumanEval canonical solution passes its own tests through the grader, both answer forms. */
    @Test
    void everyHumanEvalCanonicalSolutionPasses() throws Exception {
        Benchmark he = Benchmarks.byName("humaneval");
        assertEquals(TaskKind.CODE, he.grader());
        Dataset data = he.load(null);
        assertEquals(164, data.questions().size());
        Map<String, String> canonical = humanEvalField("canonical_solution");
        Grader grader = Grader.of(TaskKind.CODE, 0);
        List<CompletableFuture<String>> failures = new ArrayList<>();
        for (int i = 0; i < data.questions().size(); i++) {
            Question q = data.questions().get(i);
            // half as a complete function (stub + body), half as a continuation of the stub (the body only)
            String code = i % 2 == 0 ? q.gold() + canonical.get(q.id()) : canonical.get(q.id());
            String answer = "Here it is.\n```python\n" + code + "\n```";
            failures.add(CompletableFuture.supplyAsync(() -> {
                Grade g = grader.grade(he.variant(q, 0, 0), answer);
                return g.correct() ? null : q.id() + ": " + g.rule();
            }));
        }
        List<String> failed = failures.stream()
                .map(CompletableFuture::join)
                .filter(f -> f != null)
                .toList();
        assertEquals(List.of(), failed);
        assertTrue(data.questions().get(0).problem().contains("def has_close_elements"));
    }

    /**
     * Known-wrong mutations of every HumanEval task fail: the bare stub (no implementation), the canonical solution
     * whose results are wrapped in an always-equal object, and the canonical solution that leaves with
     * {@code os._exit(0)} before any check runs (which an exit-status harness counted as a pass).
     */
    @Test
    void everyHumanEvalKnownWrongMutationFails() throws Exception {
        Benchmark he = Benchmarks.byName("humaneval");
        Dataset data = he.load(null);
        Map<String, String> canonical = humanEvalField("canonical_solution");
        Map<String, String> entry = humanEvalField("entry_point");
        Grader grader = Grader.of(TaskKind.CODE, 0);
        List<CompletableFuture<String>> passed = new ArrayList<>();
        for (int i = 0; i < data.questions().size(); i++) {
            Question q = data.questions().get(i);
            String full = q.gold() + canonical.get(q.id());
            String e = entry.get(q.id());
            int mutation = i % 3;
            String code = switch (mutation) {
                case 0 -> q.gold() + "    pass\n";
                case 1 ->
                    full + "\n_real = " + e + "\nclass _Same:\n    def __eq__(self, other):\n        return True\n"
                            + "    def __bool__(self):\n        return True\n"
                            + "def " + e + "(*args, **kwargs):\n    _real(*args, **kwargs)\n    return _Same()\n";
                default -> full + "\nimport os\nos._exit(0)\n";
            };
            String answer = "```python\n" + code + "\n```";
            passed.add(CompletableFuture.supplyAsync(() -> {
                Grade g = grader.grade(he.variant(q, 0, 0), answer);
                return g.correct() ? q.id() + " passed with mutation " + mutation : null;
            }));
        }
        assertEquals(
                List.of(),
                passed.stream()
                        .map(CompletableFuture::join)
                        .filter(f -> f != null)
                        .toList());
    }

    /** One field of every bundled HumanEval task, by task id. */
    private Map<String, String> humanEvalField(String field) throws Exception {
        Map<String, String> byId = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        try (InputStream in = getClass().getResourceAsStream("/benchmarks/humaneval.jsonl")) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (line.isBlank()) continue;
                JsonNode n = json.readTree(line);
                byId.put(n.get("task_id").asText(), n.get(field).asText());
            }
        }
        return byId;
    }

    @Test
    void wrongAndMissingCodeFail() {
        Benchmark he = Benchmarks.byName("humaneval");
        Question q = he.load(null).questions().get(0);
        Grader grader = Grader.of(TaskKind.CODE, 0);
        Grade wrong = grader.grade(
                he.variant(q, 0, 0), "```python\ndef has_close_elements(numbers, threshold):\n    return False\n```");
        assertFalse(wrong.correct());
        assertEquals("fail", wrong.vote());
        assertTrue(wrong.rule().startsWith("tests 0/1 {wrong=1}"), wrong.rule());
        Grade slow = grader.grade(
                he.variant(q, 0, 0),
                "```python\ndef has_close_elements(numbers, threshold):\n    while True: pass\n```");
        assertTrue(slow.rule().contains("timeout=1"), slow.rule());
        assertFalse(grader.grade(he.variant(q, 0, 0), "").correct());
    }

    @Test
    void liveCodeBenchStdinAndFunctionalProblems() throws Exception {
        Path data = tmp.resolve("lcb.jsonl");
        Files.writeString(
                data,
                String.join(
                                "\n",
                                "{\"question_id\":\"abc001_a\",\"question_title\":\"Double\",\"question_content\":\"Read n and print 2n.\",\"starter_code\":\"\","
                                        + "\"difficulty\":\"easy\",\"public_test_cases\":\"[{\\\"input\\\": \\\"21\\\\n\\\", \\\"output\\\": \\\"42\\\\n\\\", \\\"testtype\\\": \\\"stdin\\\"}]\","
                                        + "\"private_test_cases\":[{\"input\":\"5\\n\",\"output\":\"10\\n\",\"testtype\":\"stdin\"}],\"metadata\":\"{}\"}",
                                "{\"question_id\":\"lc1\",\"question_title\":\"Add\",\"question_content\":\"Return a + b.\","
                                        + "\"starter_code\":\"class Solution:\\n    def add(self, a: int, b: List[int]) -> int:\\n        \",\"difficulty\":\"medium\","
                                        + "\"public_test_cases\":[{\"input\":\"1\\n[2, 3]\",\"output\":\"6\",\"testtype\":\"functional\"}],"
                                        + "\"private_test_cases\":[],\"metadata\":{\"func_name\":\"add\"}}")
                        + "\n");
        Benchmark lcb = Benchmarks.byName("livecodebench");
        Dataset d = lcb.load(data);
        assertEquals(2, d.questions().size());
        Question stdin = d.questions().get(0), functional = d.questions().get(1);
        assertEquals(2, stdin.tests().size());
        assertEquals("easy", stdin.attributes().get("difficulty"));
        assertTrue(stdin.problem().contains("Read the inputs from stdin"), stdin.problem());
        assertTrue(functional.problem().contains("starter code"), functional.problem());
        Grader grader = Grader.of(TaskKind.CODE, 0);
        assertTrue(grader.grade(lcb.variant(stdin, 0, 0), "```python\nprint(int(input()) * 2)\n```")
                .correct());
        assertFalse(grader.grade(lcb.variant(stdin, 0, 0), "```python\nprint(int(input()) * 3)\n```")
                .correct());
        String add =
                "```python\nclass Solution:\n    def add(self, a: int, b: List[int]) -> int:\n        return a + sum(b)\n```";
        Grade ok = grader.grade(lcb.variant(functional, 0, 0), add);
        assertTrue(ok.correct(), ok.rule());
        assertFalse(grader.grade(lcb.variant(functional, 0, 0), add.replace("a + sum(b)", "a"))
                .correct());

        // private_test_cases as published: base64(zlib(pickle(json))), made by Python's pickle with protocols 4, 5 and
        // 2
        for (String published : List.of(
                "eJxrYJlaxgABPUXR1UqZeQWlJUpWCkqmMXlKOgpK+aUlUAFDA4hISWpxSUllQSpIrLgkJTNPqVZHAUmjOYZGE5waY6foAQBAuyYk",
                "eJxrYJ1axgABPUXR1UqZeQWlJUpWCkqmMXlKOgpK+aUlUAFDA4hISWpxSUllQSpIrLgkJTNPqVZHAUmjOYZGE5waY6foAQBBOyYl",
                "eJxrYIooYmBgiK5WyswrKC1RslJQMo3JU9JRUMovLYEKGBpAREpSi0tKKgtSQWLFJSmZeUq1OgpIGs0xNJrg1BhbyKAHAMdNJMA=")) {
            Path asPublished = tmp.resolve("published.jsonl");
            Files.writeString(
                    asPublished,
                    "{\"question_id\":\"d\",\"question_content\":\"Double n.\",\"public_test_cases\":\"[]\","
                            + "\"private_test_cases\":\"" + published + "\",\"metadata\":\"{}\"}\n");
            Question q = lcb.load(asPublished).questions().get(0);
            assertEquals(
                    List.of(
                            dev.r1serve.reward.sandbox.CodeTest.io("5\n", "10\n"),
                            dev.r1serve.reward.sandbox.CodeTest.io("7\n", "14\n")),
                    q.tests(),
                    published);
            assertTrue(grader.grade(lcb.variant(q, 0, 0), "```python\nprint(int(input()) * 2)\n```")
                    .correct());
        }

        Path encoded = tmp.resolve("encoded.jsonl");
        Files.writeString(
                encoded,
                "{\"question_id\":\"x\",\"question_content\":\"q\",\"private_test_cases\":\"eJzLSM3JyQcABiwCFQ==\"}\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> lcb.load(encoded));
        assertTrue(e.getMessage().contains("decode it"), e.getMessage());
        DataFormatException needsData = assertThrows(DataFormatException.class, () -> lcb.load(null));
        assertTrue(needsData.getMessage().contains("--data"), needsData.getMessage());
    }

    /** End to end: a real server's scripted coder answers two LiveCodeBench problems; its program runs in the sandbox. */
    @Test
    void liveCodeBenchEvalThroughARealServer() throws Exception {
        Path data = tmp.resolve("lcb.jsonl");
        Files.writeString(
                data,
                String.join(
                                "\n",
                                "{\"question_id\":\"double\",\"question_content\":\"Read n, print 2n.\",\"difficulty\":\"easy\","
                                        + "\"public_test_cases\":[{\"input\":\"21\\n\",\"output\":\"42\\n\",\"testtype\":\"stdin\"},{\"input\":\"0\\n\",\"output\":\"0\\n\",\"testtype\":\"stdin\"}]}",
                                "{\"question_id\":\"triple\",\"question_content\":\"Read n, print 3n.\",\"difficulty\":\"hard\","
                                        + "\"public_test_cases\":[{\"input\":\"2\\n\",\"output\":\"6\\n\",\"testtype\":\"stdin\"}]}")
                        + "\n");
        Path out = tmp.resolve("lcb-run");
        EvalResult r = EvalRunner.run(EvalSpec.of("livecodebench", EvalServers.target(), out)
                .withData(data)
                .withModel(EvalServers.CODER)
                .withK(2)
                .withMaxTokens(64)
                .withProgress(null));
        assertEquals(4, r.summary().samples());
        assertEquals(0.5, r.summary().pass1().mean(), 1e-12);
        List<dev.r1serve.eval.sampling.SampleRecord> recs =
                dev.r1serve.eval.sampling.SampleStore.read(out.resolve("samples.jsonl"));
        dev.r1serve.eval.sampling.SampleRecord dbl = recs.stream()
                .filter(x -> x.questionId().equals("double"))
                .findFirst()
                .orElseThrow();
        assertTrue(dbl.correct());
        assertEquals("tests 2/2 {ok=2}", dbl.rule());
        assertEquals("print(int(input()) * 2)\n", dbl.extracted());
        assertTrue(Files.readString(out.resolve("summary.md")).contains("difficulty"), "broken down by difficulty");
    }
}
