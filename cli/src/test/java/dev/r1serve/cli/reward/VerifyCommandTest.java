package dev.r1serve.cli.reward;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class VerifyCommandTest {
    record Run(int exit, String out, String err) {}

    static Run run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = new CommandLine(new VerifyCommand());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void equivalentPrediction() {
        Run r = run("--gold", "25", "--pred", "So the answer is $\\boxed{025}$.");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("equivalent"), r.out());
        assertTrue(r.out().contains("rule:"), r.out());
    }

    @Test
    void differentPredictionStillExitsZero() {
        Run r = run("--gold", "\\frac{1}{2}", "--pred", "\\boxed{0.6}");
        assertEquals(0, r.exit());
        assertTrue(r.out().startsWith("different"), r.out());
        assertTrue(r.out().contains("reason:"), r.out());
    }

    @Test
    void choiceAndGsm8kTypes() {
        assertTrue(run("--type", "choice", "--gold", "C", "--pred", "The answer is (C)")
                .out()
                .startsWith("equivalent"));
        assertTrue(run("--type", "gsm8k", "--gold", "so #### 1,200", "--pred", "The total is 1200.")
                .out()
                .startsWith("equivalent"));
    }

    @Test
    void verifierOptionsAreFlags() {
        assertTrue(run("--gold", "1.22", "--pred", "\\boxed{1,22}").out().startsWith("different"));
        assertTrue(run("--decimal-comma", "--gold", "1.22", "--pred", "\\boxed{1,22}")
                .out()
                .startsWith("equivalent"));
        assertTrue(run("--significant-digits", "4", "--gold", "3.14159", "--pred", "\\boxed{3.1416}")
                .out()
                .startsWith("equivalent"));
        assertTrue(run("--gold", "f(x)", "--pred", "$f(y)$").out().startsWith("equivalent"));
        assertTrue(run("--strict-variables", "--gold", "f(x)", "--pred", "$f(y)$")
                .out()
                .startsWith("different"));
        Run bad = run("--significant-digits", "99", "--gold", "1", "--pred", "1");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("--significant-digits"), bad.err());
    }

    @Test
    void badUsageExitsTwo() {
        assertEquals(2, run("--pred", "\\boxed{1}").exit());
        assertEquals(2, run("--gold", "1").exit());
        Run r = run("--gold", "1", "--pred", "1", "--type", "poetry");
        assertEquals(2, r.exit());
        assertTrue(r.err().contains("poetry"), r.err());
    }

    @Test
    void jsonlAddsEquivalentAndReason(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("in.jsonl");
        Files.writeString(f, """
        {"gold": "025", "pred": "So the answer is $\\\\boxed{25}$.", "id": 1}
        {"gold": "\\\\frac{1}{2}", "pred": "\\\\boxed{0.6}"}
        {"gold": "B", "pred": "Answer: B", "type": "choice"}
        """);
        Run r = run("--jsonl", f.toString());
        assertEquals(0, r.exit(), r.err());
        String[] lines = r.out().strip().split("\n");
        assertEquals(3, lines.length);
        ObjectMapper om = new ObjectMapper();
        JsonNode first = om.readTree(lines[0]);
        assertTrue(first.get("equivalent").asBoolean());
        assertEquals(1, first.get("id").asInt(), "other fields are kept");
        assertTrue(first.get("reason").asText().length() > 0);
        assertTrue(!om.readTree(lines[1]).get("equivalent").asBoolean());
        assertTrue(om.readTree(lines[2]).get("equivalent").asBoolean());
    }

    @Test
    void malformedJsonlLineNamesFileAndLine(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.jsonl");
        Files.writeString(f, "{\"gold\": \"1\", \"pred\": \"1\"}\n{not json\n");
        Run r = run("--jsonl", f.toString());
        assertEquals(2, r.exit());
        assertTrue(r.err().contains(f + ":2:"), r.err());
        Files.writeString(f, "{\"gold\": \"1\"}\n");
        Run r2 = run("--jsonl", f.toString());
        assertEquals(2, r2.exit());
        assertTrue(r2.err().contains(":1:") && r2.err().contains("pred"), r2.err());
    }
}
