package dev.r1serve.cli.reward;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1serve.reward.verify.Verdict;
import dev.r1serve.reward.verify.Verifier;
import dev.r1serve.reward.verify.VerifierOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code verify}: checks one prediction against a gold answer, or a JSONL file of them.
 *
 * <p>Exit codes: 0 when verification ran (whatever the verdicts); 2 on bad usage (picocli's
 * default: missing {@code --gold}/{@code --pred}, unknown {@code --type}) and on a malformed JSONL
 * line, which is reported as "FILE:LINE: reason" on stderr; 1 when the JSONL file cannot be read.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Check whether a model answer is equivalent to the gold answer (math, choice, gsm8k).")
public final class VerifyCommand implements Callable<Integer> {
    /** Answer kinds accepted by {@code --type} and by the JSONL "type" field. */
    public enum Type {
        math,
        choice,
        gsm8k
    }

    @Spec
    CommandSpec spec;

    @Option(names = "--gold", description = "Gold answer (LaTeX, GSM8K rationale with '#### N', or a letter).")
    String gold;

    @Option(names = "--pred", description = "Model answer text, e.g. 'So the answer is $\\boxed{025}$.'")
    String pred;

    @Option(
            names = "--type",
            defaultValue = "math",
            description = "Answer type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Type type;

    @Option(
            names = "--choices",
            defaultValue = "4",
            description = "Number of choices for --type choice (default: ${DEFAULT-VALUE}).")
    int nChoices;

    @Option(
            names = "--decimal-comma",
            description =
                    "Locale option: read 1,22 as 1.22 (a comma that cannot be a thousands separator). Off by default: 1,220 = 1220 and 1,22 is a list.")
    boolean decimalComma;

    @Option(
            names = "--significant-digits",
            defaultValue = "0",
            description =
                    "Also accept numbers equal to N significant digits (never two exact integers); 0 = exact (default).")
    int significantDigits;

    @Option(
            names = "--strict-variables",
            description = "Variable names matter: f(x) differs from f(y). Off by default (names renamed one-to-one).")
    boolean strictVariables;

    @Option(
            names = "--jsonl",
            description =
                    "Verify each line {gold, pred[, type]} of this file; writes the lines with 'equivalent' and 'reason' added.")
    Path jsonl;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (jsonl != null) {
            if (gold != null || pred != null)
                throw new CommandLine.ParameterException(
                        spec.commandLine(), "--jsonl cannot be combined with --gold/--pred");
            return runJsonl(out, spec.commandLine().getErr());
        }
        if (gold == null || pred == null) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "Missing required option: " + (gold == null ? "--gold" : "--pred") + " (or use --jsonl)");
        }
        Verdict v = verifier(type).verify(gold, pred);
        out.println(v.equivalent() ? "equivalent" : "different");
        out.println("  gold:   " + v.goldExtracted() + "  ->  " + v.goldNormalized());
        out.println("  pred:   " + v.predExtracted() + "  ->  " + v.predNormalized());
        out.println("  rule:   " + v.rule() + (v.usedCas() ? " (CAS)" : ""));
        out.println("  reason: " + v.reason());
        out.flush();
        return 0;
    }

    private Verifier verifier(Type t) {
        if (significantDigits < 0 || significantDigits > 30) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--significant-digits must be 0..30 (0 = exact), got " + significantDigits);
        }
        VerifierOptions base = switch (t) {
            case math -> VerifierOptions.math();
            case choice -> VerifierOptions.choice(nChoices);
            case gsm8k -> VerifierOptions.gsm8k();
        };
        return Verifier.of(base.withDecimalComma(decimalComma)
                .withSignificantDigits(significantDigits)
                .withStrictVariables(strictVariables));
    }

    private int runJsonl(PrintWriter out, PrintWriter err) {
        ObjectMapper om = new ObjectMapper();
        try (BufferedReader r = Files.newBufferedReader(jsonl, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isBlank()) continue;
                JsonNode node;
                try {
                    node = om.readTree(line);
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    return malformed(err, n, "not valid JSON (" + e.getOriginalMessage() + ")");
                }
                if (!(node instanceof ObjectNode obj)) return malformed(err, n, "not a JSON object");
                if (!obj.hasNonNull("gold") || !obj.get("gold").isValueNode())
                    return malformed(err, n, "missing field 'gold'");
                if (!obj.hasNonNull("pred") || !obj.get("pred").isTextual())
                    return malformed(err, n, "missing string field 'pred'");
                Type t = type;
                if (obj.hasNonNull("type")) {
                    try {
                        t = Type.valueOf(obj.get("type").asText().toLowerCase(Locale.ROOT));
                    } catch (IllegalArgumentException e) {
                        return malformed(
                                err, n, "unknown type '" + obj.get("type").asText() + "' (math, choice, gsm8k)");
                    }
                }
                Verdict v = verifier(t)
                        .verify(obj.get("gold").asText(), obj.get("pred").asText());
                obj.put("equivalent", v.equivalent());
                obj.put("reason", v.rule() + ": " + v.reason());
                out.println(om.writeValueAsString(obj));
            }
            out.flush();
            return 0;
        } catch (IOException e) {
            err.println(jsonl + ": cannot read (" + e.getMessage() + ")");
            err.flush();
            return 1;
        }
    }

    private int malformed(PrintWriter err, int line, String why) {
        spec.commandLine().getOut().flush();
        err.println(jsonl + ":" + line + ": malformed line: " + why);
        err.flush();
        return 2;
    }

    /** Runs the command standalone (the project's CLI module registers it as a subcommand). */
    public static void main(String[] args) {
        System.exit(new CommandLine(new VerifyCommand()).execute(args));
    }
}
