package dev.r1serve.eval.distill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.eval.EvalServers;
import dev.r1serve.eval.Shard;
import dev.r1serve.reward.sandbox.Sandbox;
import dev.r1serve.reward.sandbox.SandboxUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code r1 distill} against a real server (scripted GGUFs in llama.cpp, {@link EvalServers}): prompts whose
 * references match what each model deterministically writes, and prompts built to trip each filter.
 */
class DistillEndToEndTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path prompts(String... lines) throws IOException {
        Path f = Files.createTempFile(tmp, "prompts", ".jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return f;
    }

    private DistillSpec.Builder spec(Path data, String model, Path out) {
        return DistillSpec.builder(EvalServers.target(), out)
                .data(data)
                .model(model)
                .k(3)
                .maxTokens(64)
                .seed(5)
                .concurrency(2)
                .progress(null);
    }

    private static List<JsonNode> lines(Path f) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        for (String l : Files.readAllLines(f)) if (!l.isBlank()) out.add(JSON.readTree(l));
        return out;
    }

    @Test
    void keepsCorrectResponsesAsChatRecordsAndRejectsWrongAndDuplicateOnes() throws Exception {
        Path data = prompts(
                "{\"id\":\"right\",\"prompt\":\"What is six times seven?\",\"answer\":\"42\"}",
                "{\"id\":\"wrong\",\"prompt\":\"What is three plus four?\",\"answer\":\"7\"}");
        Path out = tmp.resolve("run");
        DistillRunner.Result r =
                DistillRunner.run(spec(data, EvalServers.R1, out).build());

        DistillSummary s = r.summary();
        assertEquals(2, s.prompts());
        assertEquals(6, s.samples());
        assertEquals(1, s.kept(), "one of three identical correct responses");
        assertEquals(3, s.rejectedByReason().get(Filters.INCORRECT));
        assertEquals(2, s.rejectedByReason().get(Filters.DUPLICATE));
        assertEquals(5, s.rejected());
        assertEquals(1, s.keptPerPrompt().get("right"));
        assertEquals(0, s.keptPerPrompt().get("wrong"));
        assertEquals(1, s.promptsWithKept());

        List<JsonNode> sft = lines(out.resolve(DistillRunner.SFT));
        assertEquals(1, sft.size());
        JsonNode rec = sft.get(0);
        assertEquals("right#0", rec.get("id").asText());
        assertTrue(rec.get("reasoning").asBoolean());
        JsonNode messages = rec.get("messages");
        assertEquals("user", messages.get(0).get("role").asText());
        assertEquals("What is six times seven?", messages.get(0).get("content").asText());
        assertEquals("assistant", messages.get(1).get("role").asText());
        assertEquals(
                "<think>\nLet me think\n</think>\n\nThe answer is \\boxed{42}",
                messages.get(1).get("content").asText());

        List<JsonNode> rejected = lines(out.resolve(DistillRunner.REJECTED));
        assertEquals(5, rejected.size());
        assertEquals("right#1", rejected.get(0).get("id").asText());
        assertEquals(Filters.DUPLICATE, rejected.get(0).get("reason").asText());
        assertTrue(rejected.get(0).get("failed").get(0).get("detail").asText().contains("right#0"));
        JsonNode wrong = rejected.get(2);
        assertEquals(Filters.INCORRECT, wrong.get("reason").asText());
        assertTrue(wrong.get("failed").get(0).get("detail").asText().contains("42"), wrong.toString());

        JsonNode summary = JSON.readTree(out.resolve(DistillRunner.SUMMARY).toFile());
        assertEquals(1, summary.get("kept").asInt());
        assertEquals(3, summary.get("rejected_by_reason").get("incorrect").asInt());
        assertTrue(summary.get("sampled_tokens").asLong() > 0);
    }

    @Test
    void eachFilterTripsOnThePromptsBuiltForIt() throws Exception {
        // Chinese prompt: the target language is zh, the reasoning is English.
        Path zh = prompts("{\"id\":\"zh\",\"prompt\":\"六乘以七等于多少？\",\"answer\":\"42\"}");
        DistillSummary lang = DistillRunner.run(
                        spec(zh, EvalServers.R1, tmp.resolve("zh")).k(1).build())
                .summary();
        assertEquals(1, lang.rejectedByReason().get(Filters.LANGUAGE_MIXING), lang.table());

        // Half English, half Chinese reasoning against an English prompt.
        Path en = prompts("{\"id\":\"en\",\"prompt\":\"What is six times seven?\",\"answer\":\"42\"}");
        DistillSummary mixed = DistillRunner.run(
                        spec(en, EvalServers.MIXED, tmp.resolve("mixed")).k(1).build())
                .summary();
        assertEquals(1, mixed.rejectedByReason().get(Filters.LANGUAGE_MIXING), mixed.table());
        // 2 of 5 words in English ("Let me" against 想, 一, 下): a threshold of 0.3 lets it through
        DistillSummary lenient = DistillRunner.run(spec(en, EvalServers.MIXED, tmp.resolve("lenient"))
                        .k(1)
                        .filters(new FilterConfig(0.3, 3000, true, true, true))
                        .build())
                .summary();
        assertEquals(1, lenient.kept(), lenient.table());

        DistillSummary paragraph = DistillRunner.run(spec(en, EvalServers.R1, tmp.resolve("para"))
                        .k(1)
                        .filters(new FilterConfig(0.95, 5, true, true, true))
                        .build())
                .summary();
        assertEquals(1, paragraph.rejectedByReason().get(Filters.LONG_PARAGRAPH), paragraph.table());

        DistillSummary truncated = DistillRunner.run(spec(en, EvalServers.R1, tmp.resolve("trunc"))
                        .k(1)
                        .maxTokens(3)
                        .build())
                .summary();
        assertEquals(1, truncated.rejectedByReason().get(Filters.TRUNCATED), truncated.table());

        DistillSummary code = DistillRunner.run(
                        spec(en, EvalServers.FENCE, tmp.resolve("fence")).k(1).build())
                .summary();
        assertEquals(1, code.rejectedByReason().get(Filters.CODE_IN_REASONING), code.table());
        DistillSummary codeAllowed = DistillRunner.run(spec(en, EvalServers.FENCE, tmp.resolve("fence-ok"))
                        .k(1)
                        .filters(new FilterConfig(0.95, 3000, false, true, true))
                        .build())
                .summary();
        assertEquals(1, codeAllowed.kept(), codeAllowed.table());

        DistillSummary empty = DistillRunner.run(
                        spec(en, EvalServers.BLUNT, tmp.resolve("blunt")).k(1).build())
                .summary();
        assertEquals(1, empty.rejectedByReason().get(Filters.EMPTY_REASONING), empty.table());
    }

    @Test
    void nonReasoningPromptsHaveNoVerifierAndAreMarked() throws Exception {
        Path data = prompts(
                "{\"id\":\"poem\",\"prompt\":\"Write a line about the sea.\",\"task\":\"writing\"}",
                "{\"id\":\"fact\",\"prompt\":\"Name a colour.\",\"task\":\"qa\"}");
        Path out = tmp.resolve("open");
        // empty reasoning is fine for non-reasoning data; --keep-duplicates: both prompts get the same scripted text
        DistillSummary s = DistillRunner.run(spec(data, EvalServers.BLUNT, out)
                        .k(1)
                        .filters(new FilterConfig(0.95, 3000, true, true, false))
                        .build())
                .summary();
        assertEquals(2, s.kept(), s.table());
        assertEquals(2, s.nonReasoningKept());
        for (JsonNode rec : lines(out.resolve(DistillRunner.SFT))) {
            assertFalse(rec.get("reasoning").asBoolean());
            assertEquals(
                    "<think>\n\n</think>\n\nThe answer is \\boxed{42}",
                    rec.get("messages").get(1).get("content").asText());
        }
    }

    @Test
    void keepBestKeepsOneResponsePerPrompt() throws Exception {
        Path data = prompts(
                "{\"id\":\"a\",\"prompt\":\"Six times seven?\",\"answer\":\"42\"}",
                "{\"id\":\"b\",\"prompt\":\"Forty plus two?\",\"answer\":\"42\"}");
        DistillSummary s = DistillRunner.run(spec(data, EvalServers.R1, tmp.resolve("best"))
                        .k(3)
                        .keep(KeepPolicy.BEST)
                        .filters(new FilterConfig(0.95, 3000, true, true, false))
                        .build())
                .summary();
        assertEquals(2, s.kept(), s.table());
        assertEquals(4, s.rejectedByReason().get(Filters.SURPLUS));
        assertEquals(1, s.keptPerPrompt().get("a"));
        assertEquals(1, s.keptPerPrompt().get("b"));
    }

    @Test
    void codePromptsAreCheckedByRunningTheirTestsInTheSandbox() throws Exception {
        try {
            Sandbox.detect().close();
        } catch (SandboxUnavailableException e) {
            assumeTrue(false, "needs bubblewrap: " + e.getMessage());
        }
        Path data = prompts(
                "{\"id\":\"double\",\"task\":\"code\",\"prompt\":\"Read n, print 2n.\",\"tests\":[{\"stdin\":\"21\",\"stdout\":\"42\"},{\"stdin\":\"5\",\"stdout\":\"10\"}]}",
                "{\"id\":\"triple\",\"task\":\"code\",\"prompt\":\"Read n, print 3n.\",\"tests\":[{\"stdin\":\"2\",\"stdout\":\"6\"}]}");
        Path out = tmp.resolve("code");
        DistillSummary s = DistillRunner.run(spec(data, EvalServers.CODER, out)
                        .k(1)
                        .filters(new FilterConfig(0.95, 3000, true, true, false))
                        .build())
                .summary();
        assertEquals(1, s.kept(), s.table());
        assertEquals(1, s.rejectedByReason().get(Filters.INCORRECT));
        List<JsonNode> recs = lines(out.resolve(DistillRunner.SAMPLES));
        JsonNode dbl = recs.stream()
                .filter(n -> n.get("promptId").asText().equals("double"))
                .findFirst()
                .orElseThrow();
        assertEquals("tests 2/2 {ok=2}", dbl.get("check").asText(), dbl.toString());
        JsonNode tri = recs.stream()
                .filter(n -> n.get("promptId").asText().equals("triple"))
                .findFirst()
                .orElseThrow();
        assertEquals("tests 0/1 {wrong=1}", tri.get("check").asText(), tri.toString());
    }

    @Test
    void codeBenchmarksServeAsPromptsWithTheirTests() throws Exception {
        try {
            Sandbox.detect().close();
        } catch (SandboxUnavailableException e) {
            assumeTrue(false, "needs bubblewrap: " + e.getMessage());
        }
        Path lcb = prompts(
                "{\"question_id\":\"double\",\"question_content\":\"Read n, print 2n.\","
                        + "\"public_test_cases\":[{\"input\":\"4\\n\",\"output\":\"8\\n\",\"testtype\":\"stdin\"}]}",
                "{\"question_id\":\"square\",\"question_content\":\"Read n, print n squared.\","
                        + "\"public_test_cases\":[{\"input\":\"3\\n\",\"output\":\"9\\n\",\"testtype\":\"stdin\"}]}");
        Path out = tmp.resolve("lcb");
        DistillSummary s = DistillRunner.run(DistillSpec.builder(EvalServers.target(), out)
                        .benchmark("livecodebench", lcb)
                        .model(EvalServers.CODER)
                        .k(1)
                        .maxTokens(64)
                        .progress(null)
                        .build())
                .summary();
        assertEquals(1, s.kept(), s.table());
        assertEquals(1, s.rejectedByReason().get(Filters.INCORRECT));
        JsonNode kept = lines(out.resolve(DistillRunner.SFT)).get(0);
        assertEquals("double", kept.get("prompt_id").asText());
        assertEquals("code", kept.get("task").asText());
    }

    @Test
    void openPromptsAreGradedByAJudgeModel() throws Exception {
        Path data = prompts(
                "{\"id\":\"capital\",\"task\":\"open\",\"prompt\":\"Why is the sky blue?\",\"answer\":\"Rayleigh scattering\"}");
        Path out = tmp.resolve("judged");
        IllegalArgumentException noJudge = assertThrows(
                IllegalArgumentException.class,
                () -> DistillRunner.run(spec(data, EvalServers.R1, out).k(1).build()));
        assertTrue(noJudge.getMessage().contains("--judge-model"), noJudge.getMessage());

        DistillSummary s = DistillRunner.run(spec(data, EvalServers.R1, out)
                        .k(1)
                        .judge(EvalServers.JUDGE, 32)
                        .build())
                .summary();
        assertEquals(1, s.kept(), s.table());
        JsonNode rec = lines(out.resolve(DistillRunner.SAMPLES)).get(0);
        assertEquals("judge: CORRECT", rec.get("check").asText());

        // the judge on a server of its own (here: the same one under another address, so another connection)
        DistillSummary elsewhere = DistillRunner.run(spec(data, EvalServers.R1, tmp.resolve("judged2"))
                        .k(1)
                        .judge(EvalServers.JUDGE, 32)
                        .judgeServer("localhost:" + EvalServers.get().port())
                        .build())
                .summary();
        assertEquals(1, elsewhere.kept(), elsewhere.table());
    }

    @Test
    void benchmarkQuestionsServeAsPrompts() {
        DistillSummary s = DistillRunner.run(DistillSpec.builder(EvalServers.target(), tmp.resolve("m500"))
                        .benchmark("math500", null)
                        .limit(3)
                        .model(EvalServers.R1)
                        .k(1)
                        .maxTokens(64)
                        .progress(null)
                        .build())
                .summary();
        assertEquals(3, s.prompts());
        assertEquals(3, s.samples());
        // the scripted model answers 42 to everything: MATH-500's first three golds are not 42
        assertEquals(3, s.rejectedByReason().get(Filters.INCORRECT), s.table());
    }

    @Test
    void shardsMergeIntoTheOutputsOfAnUnshardedRun() throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            sb.append("{\"id\":\"p")
                    .append(i)
                    .append("\",\"prompt\":\"Question ")
                    .append(i)
                    .append("?\",\"answer\":\"")
                    .append(i % 2 == 0 ? "42" : "41")
                    .append("\"}\n");
        }
        Path data = prompts(sb.toString().strip());
        FilterConfig noDedup = new FilterConfig(0.95, 3000, true, true, false);
        Path whole = tmp.resolve("whole");
        DistillRunner.run(
                spec(data, EvalServers.R1, whole).k(2).filters(noDedup).build());
        List<Path> shards = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Path dir = tmp.resolve("shard" + i);
            DistillRunner.run(spec(data, EvalServers.R1, dir)
                    .k(2)
                    .filters(noDedup)
                    .shard(new Shard(i, 3))
                    .build());
            shards.add(dir);
        }
        Path merged = tmp.resolve("merged");
        DistillMerge.merge(shards, merged);
        for (String f : List.of(DistillRunner.SFT, DistillRunner.REJECTED, DistillRunner.SUMMARY)) {
            assertEquals(Files.readString(whole.resolve(f)), Files.readString(merged.resolve(f)), f);
        }
        assertEquals(8, lines(merged.resolve(DistillRunner.SFT)).size());

        IllegalArgumentException missing = assertThrows(
                IllegalArgumentException.class, () -> DistillMerge.merge(shards.subList(0, 2), tmp.resolve("partial")));
        assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
    }

    @Test
    void resumeRefusesOtherSettingsAndUnknownModelsAreNamed() throws Exception {
        Path data = prompts("{\"id\":\"a\",\"prompt\":\"Six times seven?\",\"answer\":\"42\"}");
        Path out = tmp.resolve("r");
        DistillRunner.run(spec(data, EvalServers.R1, out).k(1).build());
        IllegalStateException other = assertThrows(
                IllegalStateException.class,
                () -> DistillRunner.run(
                        spec(data, EvalServers.R1, out).k(2).resume(true).build()));
        assertTrue(other.getMessage().contains("other settings"), other.getMessage());
        IllegalStateException notResume = assertThrows(
                IllegalStateException.class,
                () -> DistillRunner.run(spec(data, EvalServers.R1, out).k(1).build()));
        assertTrue(notResume.getMessage().contains("--resume"), notResume.getMessage());
        IllegalArgumentException model = assertThrows(
                IllegalArgumentException.class,
                () -> DistillRunner.run(spec(data, "nope", tmp.resolve("x")).build()));
        assertTrue(model.getMessage().contains("\"nope\" is not hosted"), model.getMessage());
    }
}
