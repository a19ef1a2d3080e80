package dev.r1serve.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A command that refuses its input answers in one line naming the option, with a usage exit code, not a stack trace. */
class RefusedInputTest {

    @Test
    void badOptionValuesAreOneLineErrors() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new R1())
                .setExecutionExceptionHandler(R1::refused)
                .setErr(new PrintWriter(err, true))
                .execute("bench", "distill", "--rounds", "0");
        assertEquals(2, code);
        assertEquals(
                "r1 bench distill: --rounds must be >= 1, got 0", err.toString().strip());
        assertFalse(err.toString().contains("\tat "), err.toString());
    }
}
