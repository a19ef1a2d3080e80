package dev.r1serve.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line's failure paths, which need no server. */
class EvalCliTest {

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = new CommandLine(new EvalCommand())
                    .setCaseInsensitiveEnumValuesAllowed(true)
                    .execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void listsBenchmarksWithDefaultKAndAvailability() {
        Run r = run("--list");
        assertEquals(0, r.code());
        for (String b : new String[] {
            "aime24",
            "aime25",
            "amc23",
            "math500",
            "gsm8k",
            "mmlu-stem",
            "gpqa-diamond",
            "humaneval",
            "livecodebench",
            "custom"
        }) {
            assertTrue(r.out().contains(b), b);
        }
        assertTrue(r.out().contains("HumanEval (164 Python functions; tests run in the reward sandbox)"), r.out());
    }

    @Test
    void missingDataAndMissingRunFailWithClearMessages() {
        Run h = run("--benchmark", "livecodebench", "--out", tmp.resolve("h").toString());
        assertEquals(1, h.code());
        assertTrue(
                h.err().contains("benchmark livecodebench has no bundled data: give its file with --data PATH"),
                h.err());
        Run g = run(
                "--benchmark",
                "gpqa-diamond",
                "--data",
                tmp.resolve("gpqa.csv").toString(),
                "--out",
                tmp.resolve("g").toString());
        assertEquals(1, g.code());
        assertTrue(g.err().contains(tmp.resolve("gpqa.csv") + ": no such file"), g.err());
        Run none = run("regrade", tmp.resolve("nothing").toString());
        assertEquals(1, none.code());
        assertTrue(none.err().contains("run.json: no such file"), none.err());
        Run noBench = run();
        assertEquals(2, noBench.code());
        assertTrue(noBench.err().contains("--benchmark is required"));
    }
}
