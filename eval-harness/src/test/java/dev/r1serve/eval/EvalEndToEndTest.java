package dev.r1serve.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.eval.benchmark.FieldMap;
import dev.r1serve.eval.compare.RunComparison;
import dev.r1serve.eval.grading.TaskKind;
import dev.r1serve.eval.metrics.Summary;
import dev.r1serve.eval.sampling.SampleRecord;
import dev.r1serve.eval.sampling.SampleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluations through a real server (scripted GGUF in llama.cpp) on loopback, with exactly predictable scores. */
class EvalEndToEndTest {

    @TempDir
    Path tmp;

    /** Golds: 42, 41, 84/2 (= 42), 7, 42.0 (= 42): questions 1, 3 and 5 are right, 2 and 4 wrong. */
    static Path customData(Path dir) throws Exception {
        Path f = dir.resolve("custom.jsonl");
        Files.writeString(
                f,
                String.join(
                                "\n",
                                "{\"qid\":\"q1\",\"q\":\"What is 6 times 7?\",\"gold\":\"42\"}",
                                "{\"qid\":\"q2\",\"q\":\"What is 40 plus 1?\",\"gold\":\"41\"}",
                                "{\"qid\":\"q3\",\"q\":\"Half of 84?\",\"gold\":\"\\\\frac{84}{2}\"}",
                                "{\"qid\":\"q4\",\"q\":\"What is 3 plus 4?\",\"gold\":7}",
                                "{\"qid\":\"q5\",\"q\":\"The answer to everything?\",\"gold\":42.0}")
                        + "\n");
        return f;
    }

    static EvalSpec customSpec(Path data, Path out) {
        return EvalSpec.of("custom", EvalServers.target(), out)
                .withModel(EvalServers.R1)
                .withCustom(data, new FieldMap("qid", "q", "gold", null, false, List.of()), TaskKind.MATH)
                .withK(4)
                .withMaxTokens(64)
                .withSeed(7)
                .withConcurrency(2)
                .withProgress(null);
    }

    @Test
    void customJsonlAgainstScriptedModelScoresExactlyTheGoldsThatMatch() throws Exception {
        Path out = tmp.resolve("run");
        EvalResult r = EvalRunner.run(customSpec(customData(tmp), out));
        Summary s = r.summary();
        assertEquals(5, s.questions());
        assertEquals(20, s.samples());
        assertEquals(12, s.correctSamples());
        assertEquals(0.6, s.pass1().mean(), 1e-12);
        assertEquals(0.6, s.passAtK().get(4).mean(), 1e-12);
        assertEquals(0.6, s.consAtK().mean(), 1e-12);
        assertEquals(0, s.consTies());
        assertEquals(0, s.noAnswerSamples());
        assertEquals(List.of(1, 2, 4), List.copyOf(s.passAtK().keySet()));

        List<SampleRecord> recs = SampleStore.read(out.resolve("samples.jsonl"));
        assertEquals(20, recs.size());
        for (SampleRecord rec : recs) {
            assertEquals("Let me think", rec.reasoning().strip());
            assertTrue(rec.answer().contains("\\boxed{42}"), rec.answer());
            assertEquals("42", rec.extracted());
            assertTrue(rec.completionTokens() > 0);
        }
        JsonNode json = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(0.6, json.get("pass@1").get("value").asDouble(), 1e-12);
        assertEquals(0.6, json.get("cons@k").get("value").asDouble(), 1e-12);
        assertTrue(json.get("pass@1").has("stderr"));
        assertEquals(64, json.get("run").get("maxTokens").asInt());
        assertEquals(4, json.get("run").get("k").asInt());
        assertEquals(7, json.get("run").get("seed").asInt());
        assertEquals(
                dev.r1serve.eval.benchmark.Dataset.sha256(Files.readAllBytes(tmp.resolve("custom.jsonl"))),
                json.get("run").get("dataSha256").asText());
        assertEquals(
                dev.r1serve.eval.grading.Grader.VERSION,
                json.get("run").get("graderVersion").asText());
        String html = Files.readString(out.resolve("report.html"));
        assertTrue(html.contains("<svg") && html.contains("pass@k"), "inline SVG plots");
        String outside = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assertFalse(
                outside.contains("http://")
                        || outside.contains("https://")
                        || outside.contains("<script")
                        || outside.contains("<link"),
                "self-contained: nothing fetched when opened");
        assertTrue(html.contains("<details>") && html.contains("q3"), "sample browser");
        assertTrue(Files.readString(out.resolve("summary.md")).contains("| pass@1 | 60.0 |"));

        // Re-grading without a server reproduces the same metrics.
        EvalRegrade.Regraded again = EvalRegrade.regrade(out);
        assertEquals(0, again.changed());
        assertEquals(s.pass1(), again.result().summary().pass1());
        assertEquals(s.passAtK(), again.result().summary().passAtK());
        assertEquals(s.consAtK(), again.result().summary().consAtK());

        // (the same through the CLI: cli's EvalCommandTest)
        assertEquals(
                12,
                SampleStore.read(out.resolve("samples.jsonl")).stream()
                        .filter(SampleRecord::correct)
                        .count());

        // A run compared with itself: no difference.
        RunComparison c = RunComparison.of(out, out);
        assertEquals(0.0, c.pass1().diff(), 0.0);
        assertEquals(1.0, c.pass1().pValue(), 0.0);
    }

    @Test
    void baseModelWithoutChatTemplateGetsRawPromptsAndHonestZeroScores() {
        // The demo's set-up: MATH-500 with k = 4 on stories260K (template "none").
        // The default 32,768-token budget is capped at the model's 512-token context; prompts longer than the context
        // are recorded as unanswered (finish reason prompt_too_long) rather than failing the run.
        EvalSpec spec = EvalSpec.of("math500", EvalServers.target(), tmp.resolve("stories"))
                .withModel(EvalServers.STORIES)
                .withK(4)
                .withLimit(10)
                .withProgress(null);
        EvalResult r = EvalRunner.run(spec);
        assertFalse(r.manifest().chat());
        assertEquals(512, r.manifest().maxTokens());
        assertEquals(40, r.summary().samples());
        assertEquals(10, r.summary().perQuestion().size());
        // "error" samples: llama.cpp refuses some prompts that pass the server's context check (its KV cache is shared
        // by the slots); they are recorded with the engine's message and count as unanswered.
        List<SampleRecord> recs = SampleStore.read(tmp.resolve("stories").resolve("samples.jsonl"));
        assertTrue(
                java.util.Set.of("eos", "length", "stop", "prompt_too_long", "error")
                        .containsAll(r.summary().finishReasons().keySet()),
                r.summary().finishReasons().toString());
        assertTrue(recs.stream()
                .filter(x ->
                        x.finishReason().equals("error") || x.finishReason().equals("prompt_too_long"))
                .allMatch(x -> x.error() != null && !x.correct() && x.extracted() == null));
        assertTrue(
                r.summary().finishReasons().getOrDefault("eos", 0)
                                + r.summary().finishReasons().getOrDefault("length", 0)
                        > 0,
                "some questions were really sampled");
        assertTrue(r.summary().pass1().mean() <= 0.25, "a story model does not solve MATH");
        assertTrue(r.summary().breakdowns().containsKey("level"));
        assertTrue(r.summary().breakdowns().containsKey("subject"));
    }

    @Test
    void promptLongerThanTheContextIsRecordedUnansweredNotFatal() throws Exception {
        Path f = tmp.resolve("long.jsonl");
        Files.writeString(
                f,
                "{\"question\":\"Once upon a time\",\"answer\":\"1\"}\n" + "{\"question\":\""
                        + "Once upon a time there was a very long story. ".repeat(200) + "\",\"answer\":\"1\"}\n");
        EvalResult r = EvalRunner.run(EvalSpec.of("custom", EvalServers.target(), tmp.resolve("long"))
                .withModel(EvalServers.STORIES)
                .withCustom(f, FieldMap.of(null, "question", "answer"), TaskKind.MATH)
                .withK(2)
                .withMaxTokens(16)
                .withProgress(null));
        assertEquals(4, r.summary().samples());
        assertEquals(2, r.summary().finishReasons().get("prompt_too_long"));
        List<SampleRecord> recs = SampleStore.read(tmp.resolve("long").resolve("samples.jsonl"));
        assertTrue(recs.stream()
                .filter(x -> x.questionId().equals("2"))
                .allMatch(x -> !x.correct() && x.extracted() == null));
    }

    /** --max-thinking-tokens: the server closes each sample's reasoning at the budget and the model answers. */
    @Test
    void aThinkingBudgetIsSentRecordedAndCutsTheReasoning() throws Exception {
        Path out = tmp.resolve("budget");
        EvalResult r = EvalRunner.run(customSpec(customData(tmp), out).toBuilder()
                .maxThinkingTokens(2)
                .build());
        assertEquals(2, r.manifest().maxThinkingTokens());
        List<SampleRecord> recs = SampleStore.read(out.resolve("samples.jsonl"));
        assertEquals(20, recs.size());
        for (SampleRecord x : recs) {
            // The script reasons "Let me think" (3 tokens): cut after two, closed by the server, then an answer
            // follows.
            assertEquals("Let me", x.reasoning().strip(), x.text());
            assertTrue(x.text().contains("\n</think>\n\n"), x.text());
        }
        // A run with another budget is another run: resuming it is refused.
        IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class,
                () -> EvalRunner.run(customSpec(customData(tmp), out).toBuilder()
                        .maxThinkingTokens(3)
                        .resume(true)
                        .build()));
        assertTrue(e.getMessage().contains("maxThinkingTokens=2"), e.getMessage());
    }

    @Test
    void unknownModelIsAClearError() throws Exception {
        EvalSpec spec = customSpec(customData(tmp), tmp.resolve("x")).withModel("nope");
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalArgumentException.class, () -> EvalRunner.run(spec));
        assertTrue(e.getMessage().contains("nope") && e.getMessage().contains(EvalServers.R1), e.getMessage());
    }
}
