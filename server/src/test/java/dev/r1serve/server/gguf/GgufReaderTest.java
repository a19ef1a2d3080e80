package dev.r1serve.server.gguf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufReaderTest {

    @TempDir
    Path dir;

    private Path writeSample() throws IOException {
        float[] weights = new float[64];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = i * 0.5f;
        }
        return write(
                new GgufWriter()
                        .putString("general.architecture", "qwen2")
                        .putUint32("qwen2.context_length", 4096)
                        .putInt32("some.negative", -7)
                        .putUint32("some.big_unsigned", 0xFFFFFFFF)
                        .putFloat32("some.float", 1.5f)
                        .putBool("some.flag", true)
                        .putStrings("tokenizer.ggml.tokens", List.of("a", "Ġb", "<think>", "中"))
                        .putFloats("tokenizer.ggml.scores", new float[] {0f, -1.25f})
                        .putInts("tokenizer.ggml.token_type", new int[] {1, 1, 4, 1})
                        .addTensor("w", new long[] {32, 2}, GgmlType.Q8_0, TensorData.of(weights))
                        .addTensor("n", new long[] {64}, GgmlType.F32, TensorData.of(weights)),
                "sample.gguf");
    }

    private Path write(GgufWriter w, String name) throws IOException {
        Path p = dir.resolve(name);
        w.write(p);
        return p;
    }

    @Test
    void roundTripsWhatTheWriterWrote() throws IOException {
        GgufReader r = GgufReader.read(writeSample());
        assertEquals(3, r.version());
        assertEquals("qwen2", r.architecture());
        assertEquals(4096, r.contextLength());
        assertEquals(-7, r.getInt("some.negative"));
        assertEquals(0xFFFFFFFFL, r.getLong("some.big_unsigned"));
        assertThrows(IllegalArgumentException.class, () -> r.getInt("some.big_unsigned"));
        assertEquals(1.5f, r.getFloat("some.float"));
        assertTrue(r.getBool("some.flag"));
        assertEquals(List.of("a", "Ġb", "<think>", "中"), r.tokens());
        assertArrayEquals(new double[] {0, -1.25}, r.getDoubleArray("tokenizer.ggml.scores"));
        assertArrayEquals(new int[] {1, 1, 4, 1}, r.getIntArray("tokenizer.ggml.token_type"));
        assertEquals(GgufReader.ValueType.INT32, r.elementType("tokenizer.ggml.token_type"));
        assertEquals(
                List.of(
                        "general.architecture",
                        "qwen2.context_length",
                        "some.negative",
                        "some.big_unsigned",
                        "some.float",
                        "some.flag",
                        "tokenizer.ggml.tokens",
                        "tokenizer.ggml.scores",
                        "tokenizer.ggml.token_type"),
                List.copyOf(r.keys()));
        assertFalse(r.has("missing"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.getString("missing"));
        assertTrue(e.getMessage().contains("missing"));
        assertThrows(IllegalArgumentException.class, () -> r.getString("some.flag"));

        assertEquals(2, r.tensors().size());
        GgufReader.TensorInfo w = r.tensors().get(0);
        assertEquals("w", w.name());
        assertArrayEquals(new long[] {32, 2}, w.dims());
        assertEquals(8, w.ggmlType());
        assertEquals(0, w.offset());
        assertEquals(96, r.tensors().get(1).offset()); // 68 bytes of Q8_0, padded to 32
    }

    @Test
    void readsEveryValueTypeOfVersion2() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(512).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46554747).putInt(2).putLong(0).putLong(6);
        key(b, "u8").putInt(0).put((byte) 200);
        key(b, "i16").putInt(3).putShort((short) -300);
        key(b, "u64").putInt(10).putLong(1L << 40);
        key(b, "f64").putInt(12).putDouble(2.25);
        key(b, "i8s")
                .putInt(9)
                .putInt(1)
                .putLong(3)
                .put((byte) -1)
                .put((byte) 0)
                .put((byte) 5);
        key(b, "nested").putInt(9).putInt(9).putLong(1).putInt(8).putLong(1);
        str(b, "x");
        Path p = dir.resolve("v2.gguf");
        Files.write(p, Arrays.copyOf(b.array(), b.position()));

        GgufReader r = GgufReader.read(p);
        assertEquals(2, r.version());
        assertEquals(200, r.getInt("u8"));
        assertEquals(-300, r.getInt("i16"));
        assertEquals(1L << 40, r.getLong("u64"));
        assertEquals(2.25, r.getDouble("f64"));
        assertArrayEquals(new long[] {-1, 0, 5}, r.getLongArray("i8s"));
        assertEquals(GgufReader.ValueType.ARRAY, r.elementType("nested"));
    }

    @Test
    void rejectsGarbageNamingTheFile() throws IOException {
        Path p = dir.resolve("notes.txt");
        Files.writeString(p, "this is not a model at all");
        IOException e = assertThrows(IOException.class, () -> GgufReader.read(p));
        assertTrue(e.getMessage().contains(p.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not a GGUF file"), e.getMessage());

        Path empty = Files.write(dir.resolve("empty.gguf"), new byte[0]);
        assertTrue(assertThrows(IOException.class, () -> GgufReader.read(empty))
                .getMessage()
                .contains("not a GGUF"));
    }

    @Test
    void rejectsUnsupportedVersion() throws IOException {
        Path p = writeSample();
        byte[] bytes = Files.readAllBytes(p);
        bytes[4] = 1;
        Files.write(p, bytes);
        IOException e = assertThrows(IOException.class, () -> GgufReader.read(p));
        assertTrue(e.getMessage().contains("version 1"), e.getMessage());
    }

    @Test
    void rejectsTruncatedFile() throws IOException {
        Path p = writeSample();
        byte[] bytes = Files.readAllBytes(p);
        Path cut = Files.write(dir.resolve("cut.gguf"), Arrays.copyOf(bytes, 150));
        IOException e = assertThrows(IOException.class, () -> GgufReader.read(cut));
        assertTrue(e.getMessage().contains(cut.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("impossible"), e.getMessage());
    }

    @Test
    void hugeLengthsFailWithoutAllocating() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(128).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x46554747).putInt(3).putLong(0).putLong(2);
        key(b, "s").putInt(8).putLong(Long.MAX_VALUE - 1);
        Path p = Files.write(dir.resolve("bigstring.gguf"), Arrays.copyOf(b.array(), b.position()));
        assertTrue(assertThrows(IOException.class, () -> GgufReader.read(p))
                .getMessage()
                .contains("impossible"));

        b.clear();
        b.putInt(0x46554747).putInt(3).putLong(0).putLong(1);
        key(b, "a").putInt(9).putInt(4).putLong(1L << 31);
        Path q = Files.write(dir.resolve("bigarray.gguf"), Arrays.copyOf(b.array(), b.position()));
        assertTrue(assertThrows(IOException.class, () -> GgufReader.read(q))
                .getMessage()
                .contains("impossible"));

        b.clear();
        b.putInt(0x46554747).putInt(3).putLong(-1).putLong(1);
        Path t = Files.write(dir.resolve("bigcount.gguf"), Arrays.copyOf(b.array(), b.position()));
        assertTrue(assertThrows(IOException.class, () -> GgufReader.read(t))
                .getMessage()
                .contains("tensor count"));
    }

    private static ByteBuffer key(ByteBuffer b, String key) {
        return str(b, key);
    }

    private static ByteBuffer str(ByteBuffer b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        return b.putLong(bytes.length).put(bytes);
    }
}
