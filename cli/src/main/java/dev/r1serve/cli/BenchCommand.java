package dev.r1serve.cli;

import picocli.CommandLine.Command;

/** {@code r1 bench ...}: benchmarks that print rates and ratios (not timed tests). */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Benchmarks that print measured rates and ratios.",
        subcommands = {
            BenchServeCommand.class,
            BenchLoadCommand.class,
            BenchVerifyCommand.class,
            BenchEvalCommand.class,
            BenchDistillCommand.class,
            BenchSandboxCommand.class,
            BenchRewardCommand.class,
            BenchRolloutsCommand.class
        })
final class BenchCommand {}
