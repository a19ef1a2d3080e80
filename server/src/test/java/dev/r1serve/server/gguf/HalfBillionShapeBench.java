package dev.r1serve.server.gguf;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import dev.r1serve.testkit.TinyModelGenerator;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Manual benchmark, not part of the unit suite (it writes ~530 MB): writes the Qwen2-0.5B-shaped random
 * model, loads it and times one 64-token greedy decode with 2 threads. Needs the same JVM flags as the
 * tests ({@code --enable-native-access=ALL-UNNAMED -Dde.kherud.llama.tmpdir=...}). Argument: output dir.
 */
public final class HalfBillionShapeBench {

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of(args.length > 0 ? args[0] : "target/bench"));
        Files.createDirectories(Path.of(System.getProperty("de.kherud.llama.tmpdir", "target/jllama")));
        long t0 = System.nanoTime();
        Path file = TinyModelGenerator.writeQwen2HalfBillionShape(dir);
        double writeS = (System.nanoTime() - t0) / 1e9;
        System.out.printf("wrote %s: %,d bytes in %.1f s%n", file, Files.size(file), writeS);

        GgufReader header = GgufReader.read(file);
        System.out.printf(
                "reader: arch=%s ctx=%d tokens=%d tensors=%d%n",
                header.architecture(),
                header.contextLength(),
                header.tokens().size(),
                header.tensors().size());

        long t1 = System.nanoTime();
        LlamaModel model = new LlamaModel(new ModelParameters()
                .setModel(file.toString())
                .setCtxSize(4096)
                .setParallel(1)
                .setThreads(2)
                .disableLog());
        System.out.printf("loaded in %.1f s%n", (System.nanoTime() - t1) / 1e9);

        String prompt = "<｜User｜>Tell me a story.<｜Assistant｜><think>\n";
        for (int run = 0; run < 2; run++) { // the first run also warms up
            int tokens = 0;
            long first = 0;
            long start = System.nanoTime();
            StringBuilder text = new StringBuilder();
            for (LlamaOutput out : model.generate(new InferenceParameters(prompt)
                    .setTemperature(0f)
                    .setNPredict(64)
                    .setIgnoreEos(true)
                    .setCachePrompt(false))) {
                if (tokens++ == 0) {
                    first = System.nanoTime();
                }
                text.append(out.text);
            }
            long end = System.nanoTime();
            // Chunks after the first are one decoded token each (minus the final empty one).
            double decodeTps = (tokens - 2) / ((end - first) / 1e9);
            System.out.printf(
                    "run %d: %d chunks, first after %.2f s, decode %.1f tokens/s, %d chars%n",
                    run, tokens, (first - start) / 1e9, decodeTps, text.length());
        }
        model.close();
        System.exit(0); // llama.cpp's loop thread is not a daemon
    }
}
