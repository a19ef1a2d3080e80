package dev.r1serve.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./r1} command line: one entry point for serving, generating, demos and benchmarks. */
@Command(name = "r1",
        mixinStandardHelpOptions = true,
        version = "r1-serve 0.1.0",
        description = "Serve, evaluate and score reasoning LLMs (DeepSeek-R1 and its distills) over gRPC.",
        subcommands = {ServeCommand.class, GenerateCommand.class, DemoCommand.class, BenchCommand.class,
                dev.r1serve.reward.verify.cli.VerifyCommand.class, dev.r1serve.eval.cli.EvalCommand.class, dev.r1serve.eval.cli.DistillCommand.class,
                RewardCommand.class, SandboxCommand.class})
public final class R1 {

    public static void main(String[] args) {
        int code = new CommandLine(new R1()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        // llama.cpp's native loop thread is not a daemon: once a model was loaded the JVM would not end.
        System.exit(code);
    }
}
