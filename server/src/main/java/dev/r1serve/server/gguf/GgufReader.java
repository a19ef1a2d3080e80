package dev.r1serve.server.gguf;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The header, metadata key/values and tensor infos of a GGUF file (version 2 or 3), read without touching
 * tensor data. Instances are immutable.
 *
 * <p>Integer values of every width are kept as {@code long} (UINT64 keeps its raw bits), floats as
 * {@code double}. Lengths and counts read from the file are bounded so that a corrupt file fails with an
 * {@link IOException} naming the file instead of exhausting memory.
 */
public final class GgufReader {

    private static final int MAGIC = 0x46554747; // "GGUF" as a little-endian uint32
    /** Longest string accepted (chat templates are tens of KiB; nothing legitimate comes near this). */
    static final int MAX_STRING_BYTES = 16 << 20;
    /** Most elements in one array (real vocabularies hold ~256k tokens and ~300k merges). */
    static final int MAX_ARRAY_ELEMENTS = 1 << 24;

    private static final long MAX_ENTRIES = 1 << 20;
    private static final int MAX_DIMS = 8;
    private static final int MAX_NESTING = 4;

    /** GGUF metadata value types, with their on-disk ids. */
    public enum ValueType {
        UINT8,
        INT8,
        UINT16,
        INT16,
        UINT32,
        INT32,
        FLOAT32,
        BOOL,
        STRING,
        ARRAY,
        UINT64,
        INT64,
        FLOAT64;

        static ValueType of(int id) {
            ValueType[] all = values();
            return id >= 0 && id < all.length ? all[id] : null;
        }

        boolean isInteger() {
            return switch (this) {
                case UINT8, INT8, UINT16, INT16, UINT32, INT32, UINT64, INT64 -> true;
                default -> false;
            };
        }

        boolean isFloat() {
            return this == FLOAT32 || this == FLOAT64;
        }

        /** The fewest bytes one element of this type takes in the file. */
        int minBytes() {
            return switch (this) {
                case UINT8, INT8, BOOL -> 1;
                case UINT16, INT16 -> 2;
                case UINT32, INT32, FLOAT32 -> 4;
                case UINT64, INT64, FLOAT64, STRING -> 8;
                case ARRAY -> 12;
            };
        }
    }

    /** One tensor's description; {@code dims} are in ggml order (fastest-varying first). */
    public record TensorInfo(String name, long[] dims, int ggmlType, long offset) {
        public TensorInfo {
            dims = dims.clone();
        }

        @Override
        public long[] dims() {
            return dims.clone();
        }

        /** Product of the dimensions. */
        public long elements() {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return n;
        }
    }

    /** An array value: its element type and its elements (long[], double[], boolean[] or List). */
    private record Array(ValueType elementType, Object data) {}

    private record Entry(ValueType type, Object value) {}

    private final Path file;
    private final int version;
    private final Map<String, Entry> metadata;
    private final List<TensorInfo> tensors;

    private GgufReader(Path file, int version, Map<String, Entry> metadata, List<TensorInfo> tensors) {
        this.file = file;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /**
     * Reads the header, metadata and tensor infos of {@code file}.
     *
     * @throws IOException if the file is not GGUF v2/v3, is truncated or is corrupt; the message names it
     */
    public static GgufReader read(Path file) throws IOException {
        long size = Files.size(file);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return new Parser(file, in, size).parse();
        }
    }

    /** The file this was read from. */
    public Path file() {
        return file;
    }

    /** GGUF format version (2 or 3). */
    public int version() {
        return version;
    }

    /** Metadata keys in file order. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(metadata.keySet());
    }

    /** Tensor infos in file order. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    public boolean has(String key) {
        return metadata.containsKey(key);
    }

    /** The value type stored under {@code key}. */
    public ValueType type(String key) {
        return entry(key).type();
    }

    /** For an array key, its element type. */
    public ValueType elementType(String key) {
        return array(key).elementType();
    }

    public String getString(String key) {
        return (String) expect(key, ValueType.STRING).value();
    }

    public Optional<String> findString(String key) {
        return has(key) ? Optional.of(getString(key)) : Optional.empty();
    }

    /** Any integer type, as a long (UINT64 values above Long.MAX_VALUE come back negative). */
    public long getLong(String key) {
        Entry e = entry(key);
        if (!e.type().isInteger()) {
            throw wrongType(key, e.type(), "an integer");
        }
        return (Long) e.value();
    }

    public Optional<Long> findLong(String key) {
        return has(key) ? Optional.of(getLong(key)) : Optional.empty();
    }

    /** Any integer type whose value fits an int. */
    public int getInt(String key) {
        long v = getLong(key);
        if (v != (int) v) {
            throw new IllegalArgumentException(key + " = " + v + " does not fit an int in " + file);
        }
        return (int) v;
    }

    /** FLOAT32 or FLOAT64. */
    public double getDouble(String key) {
        Entry e = entry(key);
        if (!e.type().isFloat()) {
            throw wrongType(key, e.type(), "a float");
        }
        return (Double) e.value();
    }

    public float getFloat(String key) {
        return (float) getDouble(key);
    }

    public boolean getBool(String key) {
        return (Boolean) expect(key, ValueType.BOOL).value();
    }

    /** An array of strings. */
    @SuppressWarnings("unchecked")
    public List<String> getStringArray(String key) {
        Array a = array(key);
        if (a.elementType() != ValueType.STRING) {
            throw wrongType(key, a.elementType(), "a string array");
        }
        return (List<String>) a.data();
    }

    /** An array of any integer type, copied. */
    public long[] getLongArray(String key) {
        Array a = array(key);
        if (!a.elementType().isInteger()) {
            throw wrongType(key, a.elementType(), "an integer array");
        }
        return ((long[]) a.data()).clone();
    }

    /** An array of any integer type whose values all fit an int, copied. */
    public int[] getIntArray(String key) {
        long[] longs = getLongArray(key);
        int[] ints = new int[longs.length];
        for (int i = 0; i < longs.length; i++) {
            ints[i] = Math.toIntExact(longs[i]);
        }
        return ints;
    }

    /** An array of FLOAT32 or FLOAT64, copied. */
    public double[] getDoubleArray(String key) {
        Array a = array(key);
        if (!a.elementType().isFloat()) {
            throw wrongType(key, a.elementType(), "a float array");
        }
        return ((double[]) a.data()).clone();
    }

    /** {@code general.architecture}, e.g. "qwen2" or "llama". */
    public String architecture() {
        return getString("general.architecture");
    }

    /** {@code <architecture>.context_length}: the context the model was trained for. */
    public int contextLength() {
        return getInt(architecture() + ".context_length");
    }

    /** {@code tokenizer.ggml.tokens}: the vocabulary, indexed by token id. */
    public List<String> tokens() {
        return getStringArray("tokenizer.ggml.tokens");
    }

    @Override
    public String toString() {
        return "GgufReader[" + file + ", v" + version + ", " + metadata.size() + " keys, " + tensors.size()
                + " tensors]";
    }

    private Entry entry(String key) {
        Entry e = metadata.get(key);
        if (e == null) {
            throw new IllegalArgumentException("no metadata key " + key + " in " + file);
        }
        return e;
    }

    private Entry expect(String key, ValueType type) {
        Entry e = entry(key);
        if (e.type() != type) {
            throw wrongType(key, e.type(), type.name());
        }
        return e;
    }

    private Array array(String key) {
        return (Array) expect(key, ValueType.ARRAY).value();
    }

    private IllegalArgumentException wrongType(String key, ValueType actual, String wanted) {
        return new IllegalArgumentException(key + " is " + actual + ", not " + wanted + ", in " + file);
    }

    /** Little-endian reads over a stream, tracking the position for error messages and bounds. */
    private static final class Parser {
        private final Path file;
        private final InputStream in;
        private final long size;
        private final byte[] scratch = new byte[8];
        private final ByteBuffer scratchBuf = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
        private long pos;

        Parser(Path file, InputStream in, long size) {
            this.file = file;
            this.in = in;
            this.size = size;
        }

        GgufReader parse() throws IOException {
            if (size < 4 || u32("magic") != MAGIC) {
                throw new IOException(file + " is not a GGUF file (missing the \"GGUF\" magic)");
            }
            int version = u32("version");
            if (version != 2 && version != 3) {
                throw new IOException(file + " has GGUF version " + Integer.toUnsignedString(version)
                        + "; only versions 2 and 3 are supported");
            }
            long tensorCount = count(u64("tensor count"), 24, MAX_ENTRIES, "tensor count");
            long kvCount = count(u64("metadata count"), 13, MAX_ENTRIES, "metadata count");
            Map<String, Entry> metadata = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                String key = string("metadata key #" + i);
                ValueType type = valueType(u32(key), key);
                metadata.put(key, new Entry(type, value(type, key, 0)));
            }
            List<TensorInfo> tensors = new ArrayList<>((int) tensorCount);
            for (long i = 0; i < tensorCount; i++) {
                String name = string("tensor name #" + i);
                int nDims = u32(name);
                if (nDims < 1 || nDims > MAX_DIMS) {
                    throw corrupt("tensor " + name + " has " + Integer.toUnsignedString(nDims) + " dimensions");
                }
                long[] dims = new long[nDims];
                for (int d = 0; d < nDims; d++) {
                    dims[d] = u64(name);
                    if (dims[d] < 0) {
                        throw corrupt("tensor " + name + " has a negative dimension");
                    }
                }
                tensors.add(new TensorInfo(name, dims, u32(name), u64(name)));
            }
            return new GgufReader(file, version, Collections.unmodifiableMap(metadata), List.copyOf(tensors));
        }

        private Object value(ValueType type, String key, int depth) throws IOException {
            return switch (type) {
                case UINT8 -> (long) u8(key);
                case INT8 -> (long) (byte) u8(key);
                case UINT16 -> (long) (u16(key) & 0xFFFF);
                case INT16 -> (long) (short) u16(key);
                case UINT32 -> Integer.toUnsignedLong(u32(key));
                case INT32 -> (long) u32(key);
                case UINT64, INT64 -> u64(key);
                case FLOAT32 -> (double) Float.intBitsToFloat(u32(key));
                case FLOAT64 -> Double.longBitsToDouble(u64(key));
                case BOOL -> u8(key) != 0;
                case STRING -> string(key);
                case ARRAY -> array(key, depth);
            };
        }

        private Array array(String key, int depth) throws IOException {
            if (depth >= MAX_NESTING) {
                throw corrupt(key + ": arrays nested deeper than " + MAX_NESTING);
            }
            ValueType type = valueType(u32(key), key);
            int n = (int) count(u64(key), type.minBytes(), MAX_ARRAY_ELEMENTS, key + " array length");
            if (type.isInteger()) {
                long[] a = new long[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (Long) value(type, key, depth);
                }
                return new Array(type, a);
            }
            if (type.isFloat()) {
                double[] a = new double[n];
                for (int i = 0; i < n; i++) {
                    a[i] = (Double) value(type, key, depth);
                }
                return new Array(type, a);
            }
            if (type == ValueType.BOOL) {
                boolean[] a = new boolean[n];
                for (int i = 0; i < n; i++) {
                    a[i] = u8(key) != 0;
                }
                return new Array(type, a);
            }
            List<Object> list = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                list.add(value(type, key, depth + 1));
            }
            return new Array(type, Collections.unmodifiableList(list));
        }

        /** Checks a count against a hard cap and against the bytes left, so corrupt counts fail fast. */
        private long count(long n, int minBytesEach, long cap, String what) throws IOException {
            if (n < 0 || n > cap || n * minBytesEach > size - pos) {
                throw corrupt(what + " " + Long.toUnsignedString(n) + " is impossible (" + (size - pos)
                        + " bytes left, limit " + cap + ")");
            }
            return n;
        }

        private ValueType valueType(int id, String key) throws IOException {
            ValueType t = ValueType.of(id);
            if (t == null) {
                throw corrupt(key + " has unknown value type " + Integer.toUnsignedString(id));
            }
            return t;
        }

        private String string(String what) throws IOException {
            long len = u64(what);
            if (len < 0 || len > MAX_STRING_BYTES || len > size - pos) {
                throw corrupt(what + ": string length " + Long.toUnsignedString(len) + " is impossible");
            }
            byte[] b = readFully((int) len, what);
            try {
                return StandardCharsets.UTF_8
                        .newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b))
                        .toString();
            } catch (CharacterCodingException e) {
                throw corrupt(what + " is not valid UTF-8");
            }
        }

        private int u8(String what) throws IOException {
            int b = in.read();
            if (b < 0) {
                throw truncated(what);
            }
            pos++;
            return b;
        }

        private short u16(String what) throws IOException {
            fill(2, what);
            return scratchBuf.getShort(0);
        }

        private int u32(String what) throws IOException {
            fill(4, what);
            return scratchBuf.getInt(0);
        }

        private long u64(String what) throws IOException {
            fill(8, what);
            return scratchBuf.getLong(0);
        }

        private void fill(int n, String what) throws IOException {
            if (in.readNBytes(scratch, 0, n) != n) {
                throw truncated(what);
            }
            pos += n;
        }

        private byte[] readFully(int n, String what) throws IOException {
            byte[] b = in.readNBytes(n);
            if (b.length != n) {
                throw truncated(what);
            }
            pos += n;
            return b;
        }

        private IOException truncated(String what) {
            return new EOFException(file + " is truncated: ended at byte " + pos + " while reading " + what);
        }

        private IOException corrupt(String detail) {
            return new IOException(file + " is corrupt at byte " + pos + ": " + detail);
        }
    }
}
