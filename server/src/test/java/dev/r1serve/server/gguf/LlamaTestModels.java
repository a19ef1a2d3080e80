package dev.r1serve.server.gguf;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loading generated GGUFs into java-llama.cpp and collecting streamed output, for tests. */
final class LlamaTestModels {

    private LlamaTestModels() {}

    /** Loads {@code file} with a small context and 2 threads; creates the native-library dir first. */
    static LlamaModel load(Path file) throws IOException {
        String tmp = System.getProperty("de.kherud.llama.tmpdir");
        if (tmp != null) {
            Files.createDirectories(Path.of(tmp)); // the loader extracts into it and fails if it is missing
        }
        return new LlamaModel(new ModelParameters()
                .setModel(file.toString())
                .setCtxSize(512)
                .setParallel(1)
                .setThreads(2)
                .disableLog());
    }

    /** The text of each streamed chunk, in order (the final empty chunk included). */
    static List<String> stream(LlamaModel model, InferenceParameters params) {
        List<String> chunks = new ArrayList<>();
        for (LlamaOutput out : model.generate(params)) {
            chunks.add(out.text);
        }
        return chunks;
    }

    static InferenceParameters greedy(String prompt, int nPredict) {
        return new InferenceParameters(prompt)
                .setTemperature(0f)
                .setNPredict(nPredict)
                .setSeed(1);
    }
}
