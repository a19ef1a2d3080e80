package dev.r1serve.server.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaModel;
import dev.r1serve.testkit.ByteLevelBpeVocab;
import dev.r1serve.testkit.TinyModelGenerator;
import dev.r1serve.testkit.TinyModelGenerator.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Random-weight tiny Qwen2 and Llama models load in llama.cpp, tokenize specials whole and sample. */
class RandomTinyModelTest {

    static final List<String> SPECIALS = List.of(
            ByteLevelBpeVocab.R1_USER,
            ByteLevelBpeVocab.R1_ASSISTANT,
            ByteLevelBpeVocab.THINK,
            ByteLevelBpeVocab.END_THINK,
            ByteLevelBpeVocab.IM_START,
            ByteLevelBpeVocab.IM_END,
            ByteLevelBpeVocab.LLAMA3_START_HEADER,
            ByteLevelBpeVocab.LLAMA3_EOT);
    static final String PROMPT = "<｜User｜>Tell me a story.<｜Assistant｜><think>\n";

    @TempDir
    static Path dir;

    static Path qwen2File;
    static Path llamaFile;
    static LlamaModel qwen2;
    static LlamaModel llama;
    static ByteLevelBpeVocab vocab;

    @BeforeAll
    static void load() throws Exception {
        TinyModelGenerator q = TinyModelGenerator.random(Spec.tinyQwen2());
        vocab = q.vocab();
        qwen2File = q.write(dir.resolve("qwen2.gguf"));
        llamaFile = TinyModelGenerator.random(Spec.tinyLlama()).write(dir.resolve("llama.gguf"));
        qwen2 = LlamaTestModels.load(qwen2File);
        llama = LlamaTestModels.load(llamaFile);
    }

    @AfterAll
    static void close() {
        if (qwen2 != null) {
            qwen2.close();
        }
        if (llama != null) {
            llama.close();
        }
    }

    @Test
    void filesAreSmallAndReadable() throws Exception {
        assertTrue(Files.size(qwen2File) < 4 << 20, "tiny model of " + Files.size(qwen2File) + " bytes");
        GgufReader r = GgufReader.read(llamaFile);
        assertEquals("llama", r.architecture());
        assertEquals(2048, r.contextLength());
        assertEquals(vocab.tokens(), r.tokens());
        assertEquals("gpt2", r.getString("tokenizer.ggml.model"));
        assertEquals("llama-bpe", r.getString("tokenizer.ggml.pre"));
        assertEquals("qwen2", GgufReader.read(qwen2File).getString("tokenizer.ggml.pre"));
    }

    @Test
    void bothArchitecturesGenerate() {
        for (LlamaModel m : List.of(qwen2, llama)) {
            List<String> chunks = LlamaTestModels.stream(m, LlamaTestModels.greedy(PROMPT, 16));
            assertTrue(chunks.size() > 1, "chunks " + chunks);
        }
    }

    @Test
    void specialTokensEncodeAsOneToken() {
        for (LlamaModel m : List.of(qwen2, llama)) {
            for (String special : SPECIALS) {
                // encode() parses special tokens and adds no BOS.
                assertArrayEquals(new int[] {vocab.id(special)}, m.encode(special), special);
            }
        }
    }

    @Test
    void mergedPiecesEncodeAsVocabTokens() {
        int[] ids = qwen2.encode("Let me think\n\nThe answer is");
        int[] expected = {
            vocab.id("Let"),
            vocab.id(" me"),
            vocab.id(" think"),
            vocab.id("\n\n"),
            vocab.id("The"),
            vocab.id(" answer"),
            vocab.id(" is")
        };
        assertArrayEquals(expected, ids, Arrays.toString(ids));
    }

    @Test
    void seedControlsSampling() {
        for (LlamaModel m : List.of(qwen2, llama)) {
            String a = sample(m, 7);
            assertEquals(a, sample(m, 7), "same seed, same text");
            Set<String> texts = new HashSet<>();
            for (int seed = 1; seed <= 3; seed++) {
                texts.add(sample(m, seed));
            }
            assertEquals(3, texts.size(), () -> "different seeds gave " + texts);
        }
    }

    @Test
    void greedyIsDeterministicAndNotEmpty() {
        String a = qwen2.complete(LlamaTestModels.greedy(PROMPT, 16));
        assertFalse(a.isEmpty());
        assertEquals(a, qwen2.complete(LlamaTestModels.greedy(PROMPT, 16)));
        assertNotEquals(a, sample(qwen2, 3));
    }

    private static String sample(LlamaModel m, int seed) {
        return m.complete(new InferenceParameters(PROMPT)
                .setTemperature(0.8f)
                .setSeed(seed)
                .setNPredict(24));
    }
}
