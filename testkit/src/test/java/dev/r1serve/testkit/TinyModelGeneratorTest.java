package dev.r1serve.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.server.gguf.GgmlType;
import dev.r1serve.server.gguf.GgufReader;
import dev.r1serve.testkit.TinyModelGenerator.Architecture;
import dev.r1serve.testkit.TinyModelGenerator.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** File-level checks of the generator (no llama.cpp). */
class TinyModelGeneratorTest {

    @TempDir
    Path dir;

    @Test
    void splitsCharactersAfterTheirSecondByte() {
        List<byte[]> pieces = TinyModelGenerator.splitMidCharacter("中文a");
        assertEquals(5, pieces.size());
        assertArrayEquals(new byte[] {(byte) 0xE4, (byte) 0xB8}, pieces.get(0));
        assertArrayEquals(new byte[] {(byte) 0xAD}, pieces.get(1));
        assertArrayEquals(new byte[] {(byte) 0xE6, (byte) 0x96}, pieces.get(2));
        assertArrayEquals(new byte[] {(byte) 0x87}, pieces.get(3));
        assertArrayEquals(new byte[] {'a'}, pieces.get(4));
    }

    @Test
    void rejectsScriptsItCannotFollow() {
        assertThrows(
                IllegalArgumentException.class,
                () -> TinyModelGenerator.scripted(Architecture.QWEN2, List.of(" a", " b", " a"), "<think>"));
        assertThrows(
                IllegalArgumentException.class,
                () -> TinyModelGenerator.scripted(Architecture.QWEN2, List.of(" a", "<think>"), "<think>"));
        assertThrows(
                IllegalArgumentException.class,
                () -> TinyModelGenerator.scripted(Architecture.QWEN2, List.of(" a"), " not-a-token"));
        assertThrows(
                IllegalArgumentException.class,
                () -> TinyModelGenerator.scripted(Architecture.QWEN2, List.of(" a"), "<think>")
                        .withEos(" a"));
    }

    @Test
    void scriptedFileHasUntiedOutputAndConfiguredEos() throws Exception {
        TinyModelGenerator g = TinyModelGenerator.scripted(Architecture.LLAMA, List.of("Hi", "</think>"), "\n")
                .withEos(ByteLevelBpeVocab.IM_END);
        GgufReader r = GgufReader.read(g.write(dir.resolve("s.gguf")));
        assertEquals(g.vocab().id(ByteLevelBpeVocab.IM_END), r.getInt("tokenizer.ggml.eos_token_id"));
        assertEquals(g.vocab().id(ByteLevelBpeVocab.R1_BOS), r.getInt("tokenizer.ggml.bos_token_id"));
        assertTrue(r.tensors().stream().anyMatch(t -> t.name().equals("output.weight")));
        assertFalse(r.tensors().stream().anyMatch(t -> t.name().endsWith("attn_q.bias")), "llama has no biases");
    }

    @Test
    void longScriptsWidenTheModel() {
        List<String> script = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            script.add(" w" + i);
        }
        TinyModelGenerator g = TinyModelGenerator.scripted(Architecture.QWEN2, script, "<think>");
        assertEquals(128, g.spec().embeddingDim());
    }

    @Test
    void randomWeightsFollowTheSeed() throws Exception {
        Spec spec = Spec.tinyLlama();
        byte[] a = Files.readAllBytes(TinyModelGenerator.random(spec).write(dir.resolve("a.gguf")));
        byte[] b = Files.readAllBytes(TinyModelGenerator.random(spec).write(dir.resolve("b.gguf")));
        byte[] c =
                Files.readAllBytes(TinyModelGenerator.random(spec.withSeed(2)).write(dir.resolve("c.gguf")));
        assertArrayEquals(a, b);
        assertFalse(Arrays.equals(a, c));
    }

    @Test
    void halfBillionShapeIsTheQwen2Shape() {
        Spec s = Spec.qwen2_0_5bShape();
        assertEquals(64, s.headDim());
        assertEquals(128, s.kvDim());
        assertEquals(GgmlType.Q8_0, s.weightType());
        assertTrue(s.tiedEmbeddings());
        assertEquals(151_936, TinyModelGenerator.random(s).vocab().size());
    }
}
