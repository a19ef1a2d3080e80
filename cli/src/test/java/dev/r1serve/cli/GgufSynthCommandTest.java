package dev.r1serve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ./r1 gguf synth} refuses bad input in one line naming the option, and writes nothing then. */
class GgufSynthCommandTest {

    @TempDir
    Path tmp;

    private int run(StringWriter err, String... args) {
        return new CommandLine(new R1())
                .setExecutionExceptionHandler(R1::refused)
                .setErr(new PrintWriter(err, true))
                .execute(args);
    }

    @Test
    void aShapeTheArchitectureDoesNotHaveIsRefusedNamingTheOption() throws Exception {
        Path tok = tmp.resolve("tok");
        Files.createDirectories(tok);
        Files.writeString(
                tok.resolve("tokenizer.json"), "{\"model\":{\"type\":\"BPE\",\"vocab\":{\"a\":0},\"merges\":[]}}");
        StringWriter err = new StringWriter();
        Path out = tmp.resolve("x.gguf");
        int code = run(
                err,
                "gguf",
                "synth",
                "--tokenizer",
                tok.toString(),
                "--arch",
                "llama",
                "--shape",
                "1.5b",
                "--out",
                out.toString());
        assertEquals(2, code, err.toString());
        assertTrue(
                err.toString().strip().startsWith("r1 gguf synth: --shape: 1.5b is not a llama shape"), err.toString());
        assertFalse(err.toString().contains("\tat "), err.toString());
        assertFalse(Files.exists(out));
    }

    @Test
    void aFolderWithoutTokenizerJsonIsRefused() {
        StringWriter err = new StringWriter();
        int code = run(
                err,
                "gguf",
                "synth",
                "--tokenizer",
                tmp.toString(),
                "--arch",
                "qwen2",
                "--shape",
                "tiny",
                "--out",
                tmp.resolve("x.gguf").toString());
        assertEquals(2, code, err.toString());
        assertTrue(err.toString().contains("--tokenizer: no tokenizer.json in"), err.toString());
    }
}
