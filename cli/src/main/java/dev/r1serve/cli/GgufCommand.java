package dev.r1serve.cli;

import dev.r1serve.server.gguf.GgmlType;
import dev.r1serve.testkit.RealVocabModels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./r1 gguf}: GGUF files the project writes. */
@Command(
        name = "gguf",
        mixinStandardHelpOptions = true,
        description = "Write GGUF model files.",
        subcommands = GgufCommand.Synth.class)
final class GgufCommand {

    @Command(
            name = "synth",
            mixinStandardHelpOptions = true,
            description = "A random-weight GGUF in a real model's shape with a real Hugging Face vocabulary "
                    + "(tokens, merges, special tokens, BOS/EOS) and its chat template.")
    static final class Synth implements Callable<Integer> {

        @Option(
                names = "--tokenizer",
                required = true,
                paramLabel = "DIR",
                description = "Folder with tokenizer.json and tokenizer_config.json.")
        Path tokenizer;

        @Option(names = "--arch", required = true, description = "qwen2 or llama.")
        String arch;

        @Option(names = "--shape", required = true, description = "qwen2: tiny, 0.5b, 1.5b, 7b; llama: tiny, 8b.")
        String shape;

        @Option(names = "--type", description = "f16 or q8_0 (default: f16 for tiny, q8_0 otherwise).")
        String type;

        @Option(
                names = "--r1-distill",
                description = "DeepSeek-R1-Distill-Qwen: DeepSeek's added tokens and chat "
                        + "template over the Qwen vocabulary (use with the qwen3 tokenizer folder).")
        boolean r1Distill;

        @Option(names = "--out", required = true, paramLabel = "FILE", description = "The GGUF to write.")
        Path out;

        @Override
        public Integer call() throws Exception {
            GgmlType t = type == null
                    ? null
                    : switch (type.toLowerCase(Locale.ROOT)) {
                        case "f16" -> GgmlType.F16;
                        case "q8_0" -> GgmlType.Q8_0;
                        default -> throw new IllegalArgumentException("--type: expected f16 or q8_0, got " + type);
                    };
            long t0 = System.nanoTime();
            RealVocabModels.write(tokenizer, arch, shape, t, r1Distill, out);
            System.out.printf(
                    "wrote %s (%.1f MB) in %.1f s%n", out, Files.size(out) / 1e6, (System.nanoTime() - t0) / 1e9);
            return 0;
        }
    }
}
