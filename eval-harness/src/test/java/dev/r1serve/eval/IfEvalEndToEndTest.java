package dev.r1serve.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.eval.metrics.Summary;
import dev.r1serve.eval.sampling.SampleRecord;
import dev.r1serve.eval.sampling.SampleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code r1 eval --benchmark ifeval} through a real server on loopback. The scripted model reasons with commas and
 * answers "*Kyoto* and *Nara* plus *Osaka*": of the first three prompts, 1000 (no comma ✓, 3 highlights ✓, 300+
 * words ✗) and 1005 (12 placeholders ✗) fail and 1001 (no comma ✓) passes, which it would not if the reasoning
 * were graded.
 */
class IfEvalEndToEndTest {

    @TempDir
    Path tmp;

    @Test
    void bundledIfEvalIsGradedOnTheAnswerWithTheFourMetricsInEveryReport() throws Exception {
        Path out = tmp.resolve("ifeval");
        EvalResult r = EvalRunner.run(EvalSpec.of("ifeval", EvalServers.target(), out)
                .withModel(EvalServers.IFEVAL)
                .withK(2)
                .withLimit(3)
                .withMaxTokens(64)
                .withProgress(null));
        Summary s = r.summary();
        assertEquals(6, s.samples());
        assertEquals(1.0 / 3, s.pass1().mean(), 1e-12);
        assertEquals(1.0 / 3, s.ifEval().promptStrict().mean(), 1e-12);
        assertEquals(1.0 / 3, s.ifEval().promptLoose().mean(), 1e-12);
        assertEquals(3.0 / 5, s.ifEval().instructionStrict(), 1e-12); // 2 + 1 + 0 of 3 + 1 + 1 instructions
        assertEquals(3.0 / 5, s.ifEval().instructionLoose(), 1e-12);
        assertEquals(1.0, s.ifEval().byInstruction().get("punctuation:no_comma")[0], 1e-12);
        assertEquals(0.0, s.ifEval().byInstruction().get("detectable_content:number_placeholders")[0], 1e-12);

        List<SampleRecord> recs = SampleStore.read(out.resolve("samples.jsonl"));
        SampleRecord first = recs.stream()
                .filter(x -> x.questionId().equals("1000"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                "ifeval strict 2/3, loose 2/3: punctuation:no_comma ✓, detectable_format:number_highlighted_sections ✓,"
                        + " length_constraints:number_words ✗",
                first.rule());
        assertTrue(recs.stream().filter(x -> x.questionId().equals("1001")).allMatch(SampleRecord::correct));

        JsonNode json = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals(
                1.0 / 3,
                json.get("ifeval").get("prompt_level_strict").get("value").asDouble(),
                1e-12);
        assertEquals(0.6, json.get("ifeval").get("instruction_level_loose").asDouble(), 1e-12);
        assertEquals("ifeval", json.get("run").get("benchmark").asText());
        assertEquals(
                "67ffeee0fcb87c317c5b08a2de85557b4a7e96ada6178aa645b4954fe4b53d49",
                json.get("run").get("dataSha256").asText());
        assertTrue(json.get("g-pass@k").has("2"));
        String md = Files.readString(out.resolve("summary.md"));
        assertTrue(md.contains("| ifeval prompt-level strict | 33.3 |"), md);
        assertTrue(md.contains("| ifeval instruction-level loose | 60.0 |"), md);
        assertTrue(md.contains("| punctuation:no_comma | 100.0 | 100.0 |"), md);
        assertTrue(Files.readString(out.resolve("report.html")).contains("ifeval prompt-level strict"));

        // re-grading from samples.jsonl alone gives the same four numbers
        Summary again = EvalRegrade.regrade(out).result().summary();
        assertEquals(s.ifEval().promptStrict(), again.ifEval().promptStrict());
        assertEquals(s.ifEval().instructionLoose(), again.ifEval().instructionLoose(), 0.0);
    }
}
