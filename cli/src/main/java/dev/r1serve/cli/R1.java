package dev.r1serve.cli;

import dev.r1serve.cli.eval.DistillCommand;
import dev.r1serve.cli.eval.EvalCommand;
import dev.r1serve.cli.reward.VerifyCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./r1} command line: one entry point for serving, generating, demos and benchmarks. */
@Command(
        name = "r1",
        mixinStandardHelpOptions = true,
        version = "r1-serve 0.1.0",
        description = "Serve, evaluate and score reasoning LLMs (DeepSeek-R1 and its distills) over gRPC.",
        subcommands = {
            ServeCommand.class,
            GenerateCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            VerifyCommand.class,
            EvalCommand.class,
            DistillCommand.class,
            RewardCommand.class,
            SandboxCommand.class,
            GgufCommand.class
        })
public final class R1 {

    public static void main(String[] args) {
        int code = new CommandLine(new R1())
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(R1::refused)
                .execute(args);
        // llama.cpp's native loop thread is not a daemon: once a model was loaded the JVM would not end.
        System.exit(code);
    }

    /**
     * A command that refuses its input or its situation (a bad option value, a missing file, a server that is
     * not there) says so in one line, "r1 bench distill: --rounds must be >= 1, got 0", instead of a stack
     * trace; anything else is a bug and keeps its trace.
     */
    static int refused(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) throws Exception {
        if (!(e instanceof IllegalArgumentException
                        || e instanceof IllegalStateException
                        || e instanceof java.io.UncheckedIOException)
                || e.getMessage() == null) {
            throw e;
        }
        cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        return e instanceof IllegalArgumentException
                ? cmd.getCommandSpec().exitCodeOnInvalidInput()
                : cmd.getCommandSpec().exitCodeOnExecutionException();
    }
}
