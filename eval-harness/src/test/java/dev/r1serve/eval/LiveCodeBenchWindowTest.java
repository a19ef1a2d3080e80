package dev.r1serve.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.eval.benchmark.Benchmarks;
import dev.r1serve.eval.benchmark.DataFormatException;
import dev.r1serve.eval.benchmark.DateWindow;
import dev.r1serve.eval.benchmark.Question;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LiveCodeBench as the paper evaluates it: the 2024-08-01..2025-01-31 release window on contest_date, k = 16. */
class LiveCodeBenchWindowTest {

    @TempDir
    Path tmp;

    private Path data() throws Exception {
        String tests = "\"public_test_cases\":[{\"input\":\"21\\n\",\"output\":\"42\\n\",\"testtype\":\"stdin\"}]";
        Path f = tmp.resolve("lcb.jsonl");
        Files.writeString(
                f,
                String.join(
                                "\n",
                                "{\"question_id\":\"before\",\"question_content\":\"Read n, print 2n.\",\"difficulty\":\"easy\",\"contest_date\":\"2024-07-31T00:00:00\","
                                        + tests + "}",
                                "{\"question_id\":\"first\",\"question_content\":\"Read n, print 2n.\",\"difficulty\":\"easy\",\"contest_date\":\"2024-08-01T00:00:00\","
                                        + tests + "}",
                                "{\"question_id\":\"last\",\"question_content\":\"Read n, print 2n.\",\"difficulty\":\"hard\",\"contest_date\":\"2025-01-31T23:59:59\","
                                        + tests + "}",
                                "{\"question_id\":\"after\",\"question_content\":\"Read n, print 2n.\",\"difficulty\":\"hard\",\"contest_date\":\"2025-02-01T00:00:00\","
                                        + tests + "}")
                        + "\n");
        return f;
    }

    @Test
    void defaultKIsOpenR1s16() {
        assertEquals(16, Benchmarks.byName("livecodebench").defaultK());
    }

    @Test
    void thePapersWindowKeepsBothEndDaysAndNothingOutside() throws Exception {
        List<Question> in = Benchmarks.byName("livecodebench")
                .load(data())
                .window(DateWindow.parse("2024-08-01", "2025-01-31"))
                .questions();
        assertEquals(List.of("first", "last"), in.stream().map(Question::id).toList());
        assertEquals(
                List.of("last", "after"),
                Benchmarks.byName("livecodebench")
                        .load(data())
                        .window(DateWindow.parse("2025-01-31", null))
                        .questions()
                        .stream()
                        .map(Question::id)
                        .toList());
    }

    @Test
    void windowedRunIsRecordedBrokenDownByDifficultyAndResumedOnlyWithTheSameWindow() throws Exception {
        Path out = tmp.resolve("run");
        EvalSpec spec = EvalSpec.of("livecodebench", EvalServers.target(), out)
                .withData(data())
                .withModel(EvalServers.CODER)
                .withK(2)
                .withMaxTokens(64)
                .withProgress(null)
                .withWindow(DateWindow.parse("2024-08-01", "2025-01-31"));
        EvalResult r = EvalRunner.run(spec);
        assertEquals(2, r.summary().questions());
        assertEquals(1.0, r.summary().pass1().mean(), 1e-12);
        assertEquals("2024-08-01..2025-01-31", r.manifest().window());
        assertEquals(
                List.of("easy", "hard"),
                List.copyOf(r.summary().breakdowns().get("difficulty").keySet()));
        var other = assertThrows(
                IllegalStateException.class,
                () -> EvalRunner.run(spec.withResume(true).withWindow(DateWindow.parse("2024-08-01", null))));
        assertTrue(other.getMessage().startsWith("cannot resume"), other.getMessage());
        assertEquals(
                2,
                EvalRegrade.regrade(out).result().summary().questions(),
                "regrade reads the window back from run.json");
    }

    @Test
    void badWindowsAreRefusedNamingTheOption() throws Exception {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DateWindow.parse("2024-13-01", null))
                .getMessage()
                .startsWith("--since: must be a date yyyy-MM-dd"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> DateWindow.parse("2025-01-31", "2024-08-01"))
                .getMessage()
                .startsWith("--until: 2024-08-01 is before --since 2025-01-31"));
        var empty = assertThrows(
                IllegalArgumentException.class,
                () -> Benchmarks.byName("livecodebench").load(data()).window(DateWindow.parse("2030-01-01", null)));
        assertTrue(empty.getMessage().contains("no question of"), empty.getMessage());
        var undated = assertThrows(
                IllegalArgumentException.class,
                () -> Benchmarks.byName("aime24").load(null).window(DateWindow.parse("2024-08-01", null)));
        assertTrue(undated.getMessage().startsWith("--since/--until: question"), undated.getMessage());
        Path garbled = tmp.resolve("g.jsonl");
        Files.writeString(
                garbled,
                "{\"question_id\":\"x\",\"question_content\":\"q\",\"contest_date\":\"last week\","
                        + "\"public_test_cases\":[{\"input\":\"1\",\"output\":\"2\",\"testtype\":\"stdin\"}]}\n");
        var e = assertThrows(
                DataFormatException.class,
                () -> Benchmarks.byName("livecodebench").load(garbled));
        assertTrue(
                e.getMessage()
                        .endsWith(":1: field \"contest_date\" must start with a date yyyy-MM-dd, got \"last week\""),
                e.getMessage());
    }
}
