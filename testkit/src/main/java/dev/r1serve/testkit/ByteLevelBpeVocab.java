package dev.r1serve.testkit;

import dev.r1serve.server.gguf.ByteLevel;
import dev.r1serve.server.gguf.GgufWriter;
import dev.r1serve.server.gguf.TokenType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A GPT-2 style byte-level BPE vocabulary as llama.cpp reads it ({@code tokenizer.ggml.model = "gpt2"}):
 * token strings are written in GPT-2's byte-to-unicode alphabet and every merged token is reachable
 * through {@code tokenizer.ggml.merges}.
 *
 * <p>Layout: ids 0..255 are the single bytes (id == unsigned byte value), then merged pieces (with the
 * intermediate tokens their merge chains need), then the special tokens of the DeepSeek-R1, Qwen2.5 and
 * Llama-3 chat formats, then optional {@code [PADn]} filler (type UNUSED) up to a requested size.
 */
public final class ByteLevelBpeVocab {

    // Token types as llama.cpp reads tokenizer.ggml.token_type.
    public static final int TYPE_NORMAL = TokenType.NORMAL;
    public static final int TYPE_CONTROL = TokenType.CONTROL;
    public static final int TYPE_USER_DEFINED = TokenType.USER_DEFINED;
    public static final int TYPE_UNUSED = TokenType.UNUSED;

    public static final String R1_BOS = "<｜begin▁of▁sentence｜>";
    public static final String R1_EOS = "<｜end▁of▁sentence｜>";
    public static final String R1_USER = "<｜User｜>";
    public static final String R1_ASSISTANT = "<｜Assistant｜>";
    public static final String THINK = "<think>";
    public static final String END_THINK = "</think>";
    public static final String QWEN_ENDOFTEXT = "<|endoftext|>";
    public static final String IM_START = "<|im_start|>";
    public static final String IM_END = "<|im_end|>";
    public static final String LLAMA3_BOS = "<|begin_of_text|>";
    public static final String LLAMA3_START_HEADER = "<|start_header_id|>";
    public static final String LLAMA3_END_HEADER = "<|end_header_id|>";
    public static final String LLAMA3_EOT = "<|eot_id|>";

    /** Special tokens written as type CONTROL (hidden from output unless special tokens are rendered). */
    public static final List<String> CONTROL_TOKENS = List.of(
            R1_BOS,
            R1_EOS,
            R1_USER,
            R1_ASSISTANT,
            QWEN_ENDOFTEXT,
            IM_START,
            IM_END,
            LLAMA3_BOS,
            LLAMA3_START_HEADER,
            LLAMA3_END_HEADER,
            LLAMA3_EOT);
    /** Special tokens written as type USER_DEFINED: always parsed as one token and rendered as text. */
    public static final List<String> USER_DEFINED_TOKENS = List.of(THINK, END_THINK);

    /** Merged pieces every vocabulary has: common English, reasoning phrasing and numbers. */
    public static final List<String> DEFAULT_PIECES = List.of(
            " the", " a", " is", " of", " and", " to", " in", " it", " that", " we", " I", " you", "The", "Let", " me",
            " think", " answer", " So", "So", " First", " step", " number", " sum", " Wait", " check", " final",
            " boxed", " equals", " plus", " times", "ing", "ed", "er", "\n\n", "\n", " 1", " 2", " 42", "42", "10",
            "100", " =", " +");

    /** Chat-template families: which special tokens serve as BOS and EOS. */
    public enum Family {
        /** DeepSeek-R1 and its Qwen/Llama distills. */
        DEEPSEEK_R1(R1_BOS, R1_EOS, true),
        /** Qwen2.5 instruct (ChatML). */
        QWEN25(QWEN_ENDOFTEXT, IM_END, false),
        /** Llama-3 instruct. */
        LLAMA3(LLAMA3_BOS, LLAMA3_EOT, true);

        final String bos;
        final String eos;
        final boolean addBos;

        Family(String bos, String eos, boolean addBos) {
            this.bos = bos;
            this.eos = eos;
            this.addBos = addBos;
        }

        public String bos() {
            return bos;
        }

        public String eos() {
            return eos;
        }

        /** Whether llama.cpp prepends BOS when tokenizing a prompt. */
        public boolean addBos() {
            return addBos;
        }
    }

    private final Family family;
    private final String preTokenizer;
    private final List<String> tokens;
    private final int[] types;
    private final List<String> merges;
    private final Map<String, Integer> ids;
    private final int bosId;
    private final int eosId;
    private final boolean addBos;

    private ByteLevelBpeVocab(Builder b, List<String> tokens, int[] types, List<String> merges) {
        this.family = b.family;
        this.preTokenizer = b.preTokenizer;
        this.tokens = List.copyOf(tokens);
        this.types = types;
        this.merges = List.copyOf(merges);
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < tokens.size(); i++) {
            ids.put(tokens.get(i), i);
        }
        this.ids = Collections.unmodifiableMap(ids);
        this.bosId = ids.get(family.bos);
        this.eosId = ids.get(b.eos == null ? family.eos : b.eos);
        this.addBos = b.addBos == null ? family.addBos : b.addBos;
    }

    /** A builder for the given chat-template family. */
    public static Builder builder(Family family) {
        return new Builder(family);
    }

    /** GPT-2 byte-level form of raw bytes, as token strings are stored. */
    public static String encodeBytes(byte[] bytes) {
        return ByteLevel.encodeBytes(bytes);
    }

    /** Inverse of {@link #encodeBytes}; fails on characters outside the byte-level alphabet. */
    public static byte[] decodeBytes(String tokenString) {
        return ByteLevel.decodeBytes(tokenString);
    }

    public Family family() {
        return family;
    }

    public int size() {
        return tokens.size();
    }

    /** Token strings as stored in the GGUF (byte-level form for normal tokens, literal for special ones). */
    public List<String> tokens() {
        return tokens;
    }

    /** GGUF token types, indexed by id. */
    public int[] tokenTypes() {
        return types.clone();
    }

    /** Merge rules ("left right" in byte-level form), highest priority first. */
    public List<String> merges() {
        return merges;
    }

    public int bosId() {
        return bosId;
    }

    public int eosId() {
        return eosId;
    }

    /**
     * The id of a special token given literally (e.g. {@code "<think>"}) or of a normal token given as the
     * plain text it stands for (e.g. {@code " answer"}, {@code "\n\n"}).
     *
     * @throws IllegalArgumentException if there is no such token
     */
    public int id(String token) {
        return find(token).orElseThrow(() -> new IllegalArgumentException("no token " + printable(token)));
    }

    /** The id of the token standing for exactly these bytes (special tokens match their UTF-8 text). */
    public int id(byte[] pieceBytes) {
        return find(pieceBytes)
                .orElseThrow(() -> new IllegalArgumentException(
                        "no token for bytes " + HexFormat.ofDelimiter(" ").formatHex(pieceBytes)));
    }

    public OptionalInt find(String token) {
        Integer special = specialId(token);
        if (special != null) {
            return OptionalInt.of(special);
        }
        return find(token.getBytes(StandardCharsets.UTF_8));
    }

    public OptionalInt find(byte[] pieceBytes) {
        Integer special = specialId(new String(pieceBytes, StandardCharsets.UTF_8));
        if (special != null && Arrays.equals(special(special), pieceBytes)) {
            return OptionalInt.of(special);
        }
        Integer id = ids.get(encodeBytes(pieceBytes));
        return id == null || types[id] != TYPE_NORMAL ? OptionalInt.empty() : OptionalInt.of(id);
    }

    /** The bytes a token renders as (its UTF-8 text for special and filler tokens). */
    public byte[] bytes(int id) {
        return types[id] == TYPE_NORMAL ? decodeBytes(tokens.get(id)) : special(id);
    }

    /** Writes the {@code tokenizer.*} metadata llama.cpp needs for this vocabulary. */
    public void writeTo(GgufWriter w) {
        w.putString("tokenizer.ggml.model", "gpt2")
                .putString("tokenizer.ggml.pre", preTokenizer)
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putInts("tokenizer.ggml.token_type", types)
                .putStrings("tokenizer.ggml.merges", merges)
                .putUint32("tokenizer.ggml.bos_token_id", bosId)
                .putUint32("tokenizer.ggml.eos_token_id", eosId)
                .putUint32("tokenizer.ggml.padding_token_id", eosId)
                .putBool("tokenizer.ggml.add_bos_token", addBos)
                .putBool("tokenizer.ggml.add_eos_token", false);
    }

    private Integer specialId(String token) {
        Integer id = ids.get(token);
        return id != null && types[id] != TYPE_NORMAL ? id : null;
    }

    private byte[] special(int id) {
        return tokens.get(id).getBytes(StandardCharsets.UTF_8);
    }

    private static String printable(String s) {
        return '"' + s.replace("\n", "\\n") + '"';
    }

    /** Collects pieces and options; {@link #build()} derives tokens and merges. */
    public static final class Builder {
        private final Family family;
        private final Set<ByteKey> pieces = new LinkedHashSet<>();
        private String preTokenizer = "qwen2";
        private String eos;
        private Boolean addBos;
        private int padTo;

        private Builder(Family family) {
            this.family = Objects.requireNonNull(family);
            DEFAULT_PIECES.forEach(this::addPiece);
        }

        /** Requests a merged token for the UTF-8 bytes of {@code text} (special token texts are ignored). */
        public Builder addPiece(String text) {
            if (!CONTROL_TOKENS.contains(text) && !USER_DEFINED_TOKENS.contains(text)) {
                addPiece(text.getBytes(StandardCharsets.UTF_8));
            }
            return this;
        }

        /** Requests a merged token for raw bytes, which need not be valid UTF-8 (e.g. E4 B8 of "中"). */
        public Builder addPiece(byte[] bytes) {
            if (bytes.length == 0) {
                throw new IllegalArgumentException("empty piece");
            }
            pieces.add(new ByteKey(bytes.clone()));
            return this;
        }

        public Builder addPieces(List<String> texts) {
            texts.forEach(this::addPiece);
            return this;
        }

        /** {@code tokenizer.ggml.pre}: "qwen2" (default), "llama-bpe", "deepseek-r1-qwen", ... */
        public Builder preTokenizer(String pre) {
            this.preTokenizer = Objects.requireNonNull(pre);
            return this;
        }

        /** Overrides the family's EOS with another special token, e.g. {@code <|im_end|>}. */
        public Builder eos(String specialToken) {
            if (!CONTROL_TOKENS.contains(specialToken) && !USER_DEFINED_TOKENS.contains(specialToken)) {
                throw new IllegalArgumentException("EOS must be a special token: " + specialToken);
            }
            this.eos = specialToken;
            return this;
        }

        public Builder addBos(boolean addBos) {
            this.addBos = addBos;
            return this;
        }

        /** Pads with UNUSED {@code [PADn]} tokens up to {@code vocabSize} (0: no padding). */
        public Builder padTo(int vocabSize) {
            if (vocabSize < 0) {
                throw new IllegalArgumentException("vocab size " + vocabSize);
            }
            this.padTo = vocabSize;
            return this;
        }

        public ByteLevelBpeVocab build() {
            List<String> tokens = new ArrayList<>();
            List<Integer> types = new ArrayList<>();
            Map<String, Integer> ids = new HashMap<>();
            for (int b = 0; b < 256; b++) {
                add(String.valueOf(ByteLevel.charOf((byte) b)), TYPE_NORMAL, tokens, types, ids);
            }
            List<String> merges = new ArrayList<>();
            Map<String, Integer> ranks = new HashMap<>();
            for (ByteKey piece : pieces) {
                List<String> parts = bpe(piece.bytes(), ranks);
                // Join what BPE leaves left to right: later merges rank below earlier ones, so the
                // segmentation reached before them is unchanged and every piece stays reachable.
                String left = parts.get(0);
                for (int i = 1; i < parts.size(); i++) {
                    String right = parts.get(i);
                    String merge = left + " " + right;
                    if (!ranks.containsKey(merge)) {
                        ranks.put(merge, merges.size());
                        merges.add(merge);
                    }
                    left = left + right;
                    if (!ids.containsKey(left)) {
                        add(left, TYPE_NORMAL, tokens, types, ids);
                    }
                }
            }
            CONTROL_TOKENS.forEach(t -> add(t, TYPE_CONTROL, tokens, types, ids));
            USER_DEFINED_TOKENS.forEach(t -> add(t, TYPE_USER_DEFINED, tokens, types, ids));
            if (padTo != 0 && padTo < tokens.size()) {
                throw new IllegalArgumentException(
                        "vocab size " + padTo + " is below the " + tokens.size() + " tokens needed");
            }
            while (tokens.size() < padTo) {
                add("[PAD" + tokens.size() + "]", TYPE_UNUSED, tokens, types, ids);
            }
            return new ByteLevelBpeVocab(
                    this, tokens, types.stream().mapToInt(Integer::intValue).toArray(), merges);
        }

        private static void add(
                String token, int type, List<String> tokens, List<Integer> types, Map<String, Integer> ids) {
            ids.put(token, tokens.size());
            tokens.add(token);
            types.add(type);
        }

        /** Byte-level BPE of {@code bytes} under the merges so far: repeatedly apply the best-ranked pair. */
        static List<String> bpe(byte[] bytes, Map<String, Integer> ranks) {
            List<String> parts = new ArrayList<>();
            for (byte b : bytes) {
                parts.add(String.valueOf(ByteLevel.charOf(b)));
            }
            while (parts.size() > 1) {
                int best = -1;
                int bestRank = Integer.MAX_VALUE;
                for (int i = 0; i + 1 < parts.size(); i++) {
                    Integer r = ranks.get(parts.get(i) + " " + parts.get(i + 1));
                    if (r != null && r < bestRank) {
                        bestRank = r;
                        best = i;
                    }
                }
                if (best < 0) {
                    break;
                }
                parts.set(best, parts.get(best) + parts.remove(best + 1));
            }
            return parts;
        }
    }

    /** Byte array with value equality, for de-duplicating pieces. */
    private record ByteKey(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ByteKey k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }
}
