package dev.r1serve.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.DataFormatException;
import dev.r1serve.eval.benchmark.Dataset;
import dev.r1serve.eval.benchmark.FieldMap;
import dev.r1serve.eval.grading.TaskKind;
import dev.r1serve.eval.sampling.SampleStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Missing and garbled data give errors that name the file and line. */
class EvalDataErrorsTest {

    @TempDir
    Path tmp;

    private static final FieldMap CUSTOM = new FieldMap("id", "question", "answer", null, false, List.of());

    @Test
    void bundledBenchmarksLoadWithTheirPublishedSizesAndHashes() {
        assertEquals(30, Benchmarks.byName("aime24").load(null).questions().size());
        assertEquals(30, Benchmarks.byName("aime25").load(null).questions().size());
        assertEquals(40, Benchmarks.byName("amc23").load(null).questions().size());
        assertEquals(1319, Benchmarks.byName("gsm8k").load(null).questions().size());
        Dataset m = Benchmarks.byName("math500").load(null);
        assertEquals(500, m.questions().size());
        assertEquals(
                "35dc41080a3680858b27fa7e0533d2d547825316fc5dafe5d316f4ccc5a06132",
                m.sha256(),
                "the bytes named in the resources README");
        assertEquals("test/precalculus/807.json", m.questions().get(0).id());
        assertEquals("2", m.questions().get(0).attributes().get("level"));
        assertTrue(m.questions().get(0).problem().length() > 10);
        assertTrue(Benchmarks.byName("math500")
                .variant(m.questions().get(0), 0, 0)
                .prompt()
                .endsWith("\nPlease reason step by step, and put your final answer within \\boxed{}."));
        // AIME golds are zero-padded strings; the math grader must still accept "25" for "025".
        var aime = Benchmarks.byName("aime24").load(null).questions().stream()
                .filter(q -> q.gold().equals("025"))
                .findFirst()
                .orElseThrow();
        var v = Benchmarks.byName("aime24").variant(aime, 0, 0);
        assertTrue(dev.r1serve.eval.grading.Grader.of(TaskKind.MATH, 0)
                .grade(v, "So the answer is $\\boxed{25}$.")
                .correct());
    }

    @Test
    void missingFileNamesThePath() {
        Path missing = tmp.resolve("nope.jsonl");
        DataFormatException e = assertThrows(
                DataFormatException.class,
                () -> Benchmarks.custom(CUSTOM, TaskKind.MATH, 1).load(missing));
        assertTrue(
                e.getMessage().contains(missing.toString()) && e.getMessage().contains("no such file"), e.getMessage());
        DataFormatException g = assertThrows(
                DataFormatException.class,
                () -> Benchmarks.byName("gpqa-diamond").load(null));
        assertTrue(g.getMessage().contains("--data"), g.getMessage());
    }

    @Test
    void garbledJsonNamesFileAndLine() throws Exception {
        Path f = tmp.resolve("bad.jsonl");
        Files.writeString(
                f, "{\"id\":1,\"question\":\"a\",\"answer\":\"1\"}\n\n{\"id\":2,\"question\":\"b\",\"answer\":\n");
        DataFormatException e = assertThrows(
                DataFormatException.class,
                () -> Benchmarks.custom(CUSTOM, TaskKind.MATH, 1).load(f));
        assertTrue(e.getMessage().startsWith(f + ":3: not valid JSON"), e.getMessage());
    }

    @Test
    void missingFieldDuplicateIdAndBadIndexNameFileAndLine() throws Exception {
        Path f = tmp.resolve("fields.jsonl");
        Files.writeString(
                f, "{\"id\":1,\"question\":\"a\",\"answer\":\"1\"}\n{\"id\":2,\"q\":\"b\",\"answer\":\"2\"}\n");
        DataFormatException e = assertThrows(
                DataFormatException.class,
                () -> Benchmarks.custom(CUSTOM, TaskKind.MATH, 1).load(f));
        assertTrue(e.getMessage().startsWith(f + ":2: missing field \"question\""), e.getMessage());
        assertTrue(e.getMessage().contains("fields present: id, q, answer"), e.getMessage());

        Files.writeString(
                f, "{\"id\":1,\"question\":\"a\",\"answer\":\"1\"}\n{\"id\":1,\"question\":\"b\",\"answer\":\"2\"}\n");
        e = assertThrows(
                DataFormatException.class,
                () -> Benchmarks.custom(CUSTOM, TaskKind.MATH, 1).load(f));
        assertTrue(e.getMessage().startsWith(f + ":2: duplicate question id \"1\""), e.getMessage());

        Files.writeString(f, "{\"question\":\"a\",\"choices\":[\"x\",\"y\"],\"answer\":5}\n");
        FieldMap mc = new FieldMap(null, "question", "answer", "choices", true, List.of());
        e = assertThrows(DataFormatException.class, () -> JsonlLoaderAccess.parse(f, mc));
        assertTrue(e.getMessage().startsWith(f + ":1: answer index 5 out of range"), e.getMessage());

        Files.writeString(f, "");
        e = assertThrows(
                DataFormatException.class,
                () -> Benchmarks.custom(CUSTOM, TaskKind.MATH, 1).load(f));
        assertTrue(e.getMessage().contains("no questions"), e.getMessage());
    }

    /** Reaches the JSONL parser directly for a mapping no registered benchmark uses. */
    static final class JsonlLoaderAccess {
        static Object parse(Path f, FieldMap m) throws Exception {
            return dev.r1serve.eval.benchmark.JsonlLoader.parse(f.toString(), Files.readAllBytes(f), m);
        }
    }

    @Test
    void gpqaCsvWithoutItsColumnsOrWithBrokenRowsNamesFileAndLine() throws Exception {
        Path f = tmp.resolve("gpqa.csv");
        Files.writeString(f, "Question,Answer\nq,a\n");
        DataFormatException e = assertThrows(
                DataFormatException.class,
                () -> Benchmarks.byName("gpqa-diamond").load(f));
        assertTrue(e.getMessage().startsWith(f + ":1: header lacks column \"Correct Answer\""), e.getMessage());
        Files.writeString(
                f,
                "Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3\n"
                        + "q1,a,b,c,d\n\"q2\nspans lines\",a,b\n");
        e = assertThrows(
                DataFormatException.class,
                () -> Benchmarks.byName("gpqa-diamond").load(f));
        assertTrue(e.getMessage().startsWith(f + ":3: expected 5 columns, got 3"), e.getMessage());
        Files.writeString(
                f, "Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,Incorrect Answer 3\n\"q1,a,b,c,d\n");
        e = assertThrows(
                DataFormatException.class,
                () -> Benchmarks.byName("gpqa-diamond").load(f));
        assertTrue(e.getMessage().startsWith(f + ":2: unterminated quoted field"), e.getMessage());
    }

    @Test
    void codeBenchmarksNeedTheirDataAndCustomCannotGradeCode() {
        DataFormatException e = assertThrows(
                DataFormatException.class,
                () -> Benchmarks.byName("livecodebench").load(null));
        assertTrue(e.getMessage().contains("give its file with --data PATH"), e.getMessage());
        IllegalArgumentException c = assertThrows(
                IllegalArgumentException.class, () -> Benchmarks.custom(FieldMap.of(null, "q", "a"), TaskKind.CODE, 1));
        assertTrue(c.getMessage().contains("livecodebench"), c.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> Benchmarks.byName("aime"));
        assertTrue(u.getMessage().contains("aime24"), u.getMessage());
    }

    @Test
    void garbledSamplesFileNamesLineButATornLastLineIsDroppedOnResume() throws Exception {
        Path f = tmp.resolve("samples.jsonl");
        String good =
                "{\"questionId\":\"q\",\"sample\":0,\"seed\":1,\"finishReason\":\"stop\",\"text\":\"t\",\"reasoning\":\"\","
                        + "\"answer\":\"1\",\"extracted\":\"1\",\"vote\":\"1\",\"correct\":true,\"rule\":\"string\",\"promptTokens\":1,"
                        + "\"completionTokens\":2,\"latencyMs\":3.0}";
        Files.writeString(f, good + "\nnot json\n" + good + "\n");
        DataFormatException e = assertThrows(DataFormatException.class, () -> SampleStore.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2: garbled sample record"), e.getMessage());

        Files.writeString(f, good + "\n" + good.substring(0, 40)); // killed mid-write
        try (SampleStore s = SampleStore.open(f, true)) {
            assertEquals(1, s.records().size());
        }
        assertEquals(good + "\n", Files.readString(f), "the torn line is cut so appends start on a fresh line");
        IllegalStateException noResume = assertThrows(IllegalStateException.class, () -> SampleStore.open(f, false));
        assertTrue(noResume.getMessage().contains("--resume"));
    }
}
