package dev.r1serve.eval.ifeval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.DataFormatException;
import dev.r1serve.eval.benchmark.Dataset;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled IFEval file loads whole; a file with missing fields or unknown instruction ids is refused by line and field. */
class IfEvalDataTest {

    @TempDir
    Path tmp;

    @Test
    void bundledFileHasThe541PromptsAnd834InstructionsAsPublished() {
        Dataset d = Benchmarks.byName("ifeval").load(null);
        assertEquals(541, d.questions().size());
        assertEquals(
                "67ffeee0fcb87c317c5b08a2de85557b4a7e96ada6178aa645b4954fe4b53d49",
                d.sha256(),
                "the bytes named in the resources README");
        assertEquals(
                834,
                d.questions().stream()
                        .mapToInt(q -> IfEvalData.instructions(q.gold()).size())
                        .sum());
        assertEquals("1000", d.questions().get(0).id());
        // the prompt goes out as it is, without the math instruction
        assertEquals(
                d.questions().get(0).problem(),
                Benchmarks.byName("ifeval").variant(d.questions().get(0), 0, 0).prompt());
    }

    @Test
    void anInstructionIdTwiceWithDifferentParametersMakesARange() {
        // the data's known trap: prompt 1040 asks for capital words "less than" 10 and "at least" 1, and a quotation
        Dataset d = Benchmarks.byName("ifeval").load(null);
        var q = d.questions().stream()
                .filter(x -> x.id().equals("1040"))
                .findFirst()
                .orElseThrow();
        var ins = IfEvalData.instructions(q.gold());
        assertEquals(3, ins.size());
        var inRange = IfEvalGrading.grade(ins, "\"Only ONE word is shouted here.\"");
        assertTrue(inRange.allStrict(), inRange.describe());
        var none = IfEvalGrading.grade(ins, "\"Nothing is shouted here.\"");
        assertEquals(
                "ifeval strict 2/3, loose 2/3: change_case:capital_word_frequency ✓, change_case:capital_word_frequency ✗,"
                        + " startend:quotation ✓",
                none.describe());
        var many = IfEvalGrading.grade(ins, "\"A B C D E F G H I J K are eleven.\"");
        assertEquals(2, many.followedStrict(), many.describe());
    }

    @Test
    void benchAnswersAreSeededSoEveryRoundGradesTheSameWork() {
        var qs = Benchmarks.byName("ifeval").load(null).questions();
        var answers = IfEvalBench.answers(qs, 1, 1);
        assertEquals(answers, IfEvalBench.answers(qs, 1, 1));
        IfEvalBench.Round a = IfEvalBench.grade(qs, answers), b = IfEvalBench.grade(qs, answers);
        assertEquals(541, a.samples());
        assertEquals(a.passed(), b.passed());
        assertTrue(a.passed() > 0 && a.passed() < 541, "some answers follow everything, most do not: " + a.passed());
    }

    private DataFormatException refused(String... lines) throws Exception {
        Path f = tmp.resolve("bad" + System.nanoTime() + ".jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n");
        return assertThrows(
                DataFormatException.class, () -> Benchmarks.byName("ifeval").load(f));
    }

    private static final String OK =
            "{\"key\": 1, \"prompt\": \"Say hi.\", \"instruction_id_list\": [\"punctuation:no_comma\"], \"kwargs\": [{}]}";

    @Test
    void missingFieldsAreNamedWithTheirLine() throws Exception {
        assertTrue(refused(OK, "{\"key\": 2, \"instruction_id_list\": [], \"kwargs\": []}")
                .getMessage()
                .endsWith(":2: missing field \"prompt\""));
        assertTrue(refused(OK, "{\"key\": 2, \"prompt\": \"x\", \"kwargs\": [{}]}")
                .getMessage()
                .endsWith(":2: missing field \"instruction_id_list\""));
        assertTrue(refused("{\"prompt\": \"x\", \"instruction_id_list\": [\"punctuation:no_comma\"], \"kwargs\": [{}]}")
                .getMessage()
                .endsWith(":1: missing field \"key\""));
        String e = refused(
                        OK,
                        "",
                        "{\"key\": 3, \"prompt\": \"x\", \"instruction_id_list\": [\"punctuation:no_comma\", \"startend:quotation\"], \"kwargs\": [{}]}")
                .getMessage();
        assertTrue(
                e.endsWith(":3: field \"kwargs\" must be an array with one object per instruction (2), got 1 entries"),
                e);
    }

    @Test
    void unknownInstructionIdIsRefusedWithLineAndField() throws Exception {
        String e = refused(
                        OK,
                        "{\"key\": 2, \"prompt\": \"x\", \"instruction_id_list\": [\"punctuation:no_comma\", \"detectable_format:haiku\"], \"kwargs\": [{}, {}]}")
                .getMessage();
        assertTrue(
                e.contains(":2: field \"instruction_id_list[1]\": unknown instruction id \"detectable_format:haiku\""),
                e);
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() throws Exception {
        String missing = refused(
                        "{\"key\": 5, \"prompt\": \"x\", \"instruction_id_list\": [\"length_constraints:number_words\"], \"kwargs\": [{\"relation\": \"at least\"}]}")
                .getMessage();
        assertTrue(missing.contains(":1: field \"kwargs[0].num_words\": missing"), missing);
        String type = refused(
                        "{\"key\": 5, \"prompt\": \"x\", \"instruction_id_list\": [\"keywords:existence\"], \"kwargs\": [{\"keywords\": \"dog\"}]}")
                .getMessage();
        assertTrue(type.contains(":1: field \"kwargs[0].keywords\": must be a non-empty list of strings"), type);
        String dup = refused(OK, OK).getMessage();
        assertTrue(dup.endsWith(":2: duplicate key 1"), dup);
    }
}
