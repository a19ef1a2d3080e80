package dev.r1serve.cli.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.r1serve.eval.EvalRunner;
import dev.r1serve.eval.EvalServers;
import dev.r1serve.eval.EvalSpec;
import dev.r1serve.eval.benchmark.FieldMap;
import dev.r1serve.eval.grading.TaskKind;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code r1 eval regrade} and {@code r1 eval compare} on a recorded run, and a refused option, through the command line. */
class EvalCommandTest {

    @TempDir
    Path tmp;

    @Test
    void regradeAndCompareWorkOnARecordedRunWithoutAServer() throws Exception {
        Path data = tmp.resolve("custom.jsonl");
        Files.writeString(
                data,
                "{\"qid\":\"q1\",\"q\":\"What is 6 times 7?\",\"gold\":\"42\"}\n"
                        + "{\"qid\":\"q2\",\"q\":\"What is 40 plus 1?\",\"gold\":\"41\"}\n");
        Path out = tmp.resolve("run");
        EvalRunner.run(EvalSpec.builder("custom", EvalServers.target(), out)
                .model(EvalServers.R1)
                .custom(data, new FieldMap("qid", "q", "gold", null, false, List.of()), TaskKind.MATH)
                .k(2)
                .maxTokens(64)
                .seed(7)
                .concurrency(2)
                .progress(null)
                .build());
        assertEquals(0, new CommandLine(new EvalCommand()).execute("regrade", out.toString()));
        assertEquals(0, new CommandLine(new EvalCommand()).execute("compare", out.toString(), out.toString()));
    }

    @Test
    void aBadDateIsRefusedInOneLine() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream old = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = new CommandLine(new EvalCommand())
                    .execute(
                            "--benchmark",
                            "livecodebench",
                            "--data",
                            tmp.resolve("lcb.jsonl").toString(),
                            "--since",
                            "2024-08-32",
                            "--out",
                            tmp.resolve("cli").toString(),
                            "--quiet");
        } finally {
            System.setErr(old);
        }
        assertEquals(1, code);
        assertEquals(
                "r1 eval: --since: must be a date yyyy-MM-dd, got \"2024-08-32\"",
                err.toString(StandardCharsets.UTF_8).strip());
    }
}
