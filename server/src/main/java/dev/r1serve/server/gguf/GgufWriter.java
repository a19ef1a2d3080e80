package dev.r1serve.server.gguf;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes GGUF version 3 files (the llama.cpp model format): metadata key/values, tensor infos, then
 * 32-byte aligned tensor data. Keys keep insertion order; tensor values are streamed from
 * {@link TensorData}, so the file is never held in memory.
 */
public final class GgufWriter {

    private static final int MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
    private static final int VERSION = 3;
    private static final int ALIGNMENT = 32;
    private static final int CHUNK = 1 << 16; // values encoded per step; a multiple of every block size

    // GGUF metadata value types
    private static final int T_UINT32 = 4;
    private static final int T_INT32 = 5;
    private static final int T_FLOAT32 = 6;
    private static final int T_BOOL = 7;
    private static final int T_STRING = 8;
    private static final int T_ARRAY = 9;

    private final Map<String, Value> metadata = new LinkedHashMap<>();
    private final List<Tensor> tensors = new ArrayList<>();

    private record Value(int type, Object value, int elementType) {}

    /** A tensor: {@code dims} in ggml order (fastest-varying first, i.e. the reversed numpy shape). */
    private record Tensor(String name, long[] dims, GgmlType type, TensorData data) {
        long elements() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    public GgufWriter putString(String key, String value) {
        metadata.put(key, new Value(T_STRING, value, 0));
        return this;
    }

    public GgufWriter putUint32(String key, int value) {
        metadata.put(key, new Value(T_UINT32, value, 0));
        return this;
    }

    public GgufWriter putInt32(String key, int value) {
        metadata.put(key, new Value(T_INT32, value, 0));
        return this;
    }

    public GgufWriter putFloat32(String key, float value) {
        metadata.put(key, new Value(T_FLOAT32, value, 0));
        return this;
    }

    public GgufWriter putBool(String key, boolean value) {
        metadata.put(key, new Value(T_BOOL, value, 0));
        return this;
    }

    public GgufWriter putStrings(String key, List<String> values) {
        metadata.put(key, new Value(T_ARRAY, List.copyOf(values), T_STRING));
        return this;
    }

    public GgufWriter putFloats(String key, float[] values) {
        metadata.put(key, new Value(T_ARRAY, values.clone(), T_FLOAT32));
        return this;
    }

    public GgufWriter putInts(String key, int[] values) {
        metadata.put(key, new Value(T_ARRAY, values.clone(), T_INT32));
        return this;
    }

    /**
     * Adds a tensor.
     *
     * @param dims ggml order: for a numpy array of shape [rows, cols] pass {cols, rows}
     */
    public GgufWriter addTensor(String name, long[] dims, GgmlType type, TensorData data) {
        Tensor tensor = new Tensor(name, dims.clone(), type, data);
        type.byteSize(tensor.elements()); // validates block alignment now, not halfway through a file
        tensors.add(tensor);
        return this;
    }

    /** Writes the file atomically (a temporary sibling, then a rename). */
    public void write(Path path) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = Files.createTempFile(parent, path.getFileName().toString(), ".part");
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            writeTo(out);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private void writeTo(OutputStream out) throws IOException {
        Sink sink = new Sink(out);
        sink.u32(MAGIC);
        sink.u32(VERSION);
        sink.u64(tensors.size());
        sink.u64(metadata.size());
        for (Map.Entry<String, Value> e : metadata.entrySet()) {
            sink.string(e.getKey());
            writeValue(sink, e.getValue());
        }
        long offset = 0;
        for (Tensor t : tensors) {
            sink.string(t.name());
            sink.u32(t.dims().length);
            for (long d : t.dims()) {
                sink.u64(d);
            }
            sink.u32(t.type().id);
            sink.u64(offset);
            offset = align(offset + t.type().byteSize(t.elements()));
        }
        sink.pad();
        for (Tensor t : tensors) {
            writeTensorData(sink, t);
            sink.pad();
        }
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static void writeValue(Sink sink, Value v) throws IOException {
        sink.u32(v.type());
        switch (v.type()) {
            case T_STRING -> sink.string((String) v.value());
            case T_UINT32, T_INT32 -> sink.u32((Integer) v.value());
            case T_FLOAT32 -> sink.u32(Float.floatToRawIntBits((Float) v.value()));
            case T_BOOL -> sink.u8((Boolean) v.value() ? 1 : 0);
            case T_ARRAY -> {
                sink.u32(v.elementType());
                switch (v.elementType()) {
                    case T_STRING -> {
                        @SuppressWarnings("unchecked")
                        List<String> list = (List<String>) v.value();
                        sink.u64(list.size());
                        for (String s : list) {
                            sink.string(s);
                        }
                    }
                    case T_FLOAT32 -> {
                        float[] a = (float[]) v.value();
                        sink.u64(a.length);
                        for (float f : a) {
                            sink.u32(Float.floatToRawIntBits(f));
                        }
                    }
                    case T_INT32 -> {
                        int[] a = (int[]) v.value();
                        sink.u64(a.length);
                        for (int i : a) {
                            sink.u32(i);
                        }
                    }
                    default -> throw new IllegalStateException("array of type " + v.elementType());
                }
            }
            default -> throw new IllegalStateException("value type " + v.type());
        }
    }

    private static void writeTensorData(Sink sink, Tensor t) throws IOException {
        long total = t.elements();
        float[] values = new float[(int) Math.min(CHUNK, total)];
        ByteBuffer buf =
                ByteBuffer.allocate((int) t.type().byteSize(values.length)).order(ByteOrder.LITTLE_ENDIAN);
        for (long done = 0; done < total; ) {
            int n = (int) Math.min(values.length, total - done);
            t.data().fill(done, values, n);
            buf.clear();
            encode(t.type(), values, n, buf);
            sink.bytes(buf.array(), buf.position());
            done += n;
        }
    }

    private static void encode(GgmlType type, float[] v, int n, ByteBuffer out) {
        switch (type) {
            case F32 -> {
                for (int i = 0; i < n; i++) {
                    out.putFloat(v[i]);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out.putShort(Float.floatToFloat16(v[i]));
                }
            }
            case Q8_0 -> {
                for (int b = 0; b < n; b += 32) {
                    float amax = 0;
                    for (int i = 0; i < 32; i++) {
                        amax = Math.max(amax, Math.abs(v[b + i]));
                    }
                    float d = amax / 127f;
                    float inv = d == 0 ? 0 : 1f / d;
                    out.putShort(Float.floatToFloat16(d));
                    for (int i = 0; i < 32; i++) {
                        out.put((byte) Math.round(v[b + i] * inv));
                    }
                }
            }
        }
    }

    /** Little-endian primitives over a stream, counting bytes for alignment padding. */
    private static final class Sink {
        private final OutputStream out;
        private final byte[] scratch = new byte[8];
        private long written;

        Sink(OutputStream out) {
            this.out = out;
        }

        void u8(int v) throws IOException {
            out.write(v);
            written++;
        }

        void u32(int v) throws IOException {
            ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).putInt(0, v);
            bytes(scratch, 4);
        }

        void u64(long v) throws IOException {
            ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
            bytes(scratch, 8);
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            bytes(b, b.length);
        }

        void bytes(byte[] b, int len) throws IOException {
            out.write(b, 0, len);
            written += len;
        }

        void pad() throws IOException {
            while (written % ALIGNMENT != 0) {
                u8(0);
            }
        }
    }
}
