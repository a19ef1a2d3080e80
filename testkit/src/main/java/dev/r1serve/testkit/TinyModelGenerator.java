package dev.r1serve.testkit;

import dev.r1serve.server.gguf.GgmlType;
import dev.r1serve.server.gguf.GgufWriter;
import dev.r1serve.server.gguf.TensorData;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Writes small GGUF models of real architectures (llama.cpp's {@code qwen2} and {@code llama}) with a
 * {@link ByteLevelBpeVocab}, for tests and benchmarks that need a model llama.cpp actually runs.
 *
 * <p>Two kinds of weights:
 * <ul>
 *   <li><b>random</b>: deterministic pseudo-normal weights from {@link Spec#seed()}; the text is
 *       gibberish but sampling behaves like a real model's (seeds matter, temperature matters).
 *   <li><b>scripted</b>: every attention and FFN weight is zero, so the residual stream at a position is
 *       just the current token's embedding. Each script token (and the trigger token) gets its own
 *       embedding axis, and {@code output.weight} maps that axis to a large logit for the token that
 *       follows it. Greedy or low-temperature decoding after a prompt ending in the trigger therefore
 *       emits the script exactly, then EOS. A prompt ending in any other token gets EOS at once.
 * </ul>
 *
 * <p>Weights are produced per element by a counter-based hash, so even a 0.5B-parameter file is streamed
 * to disk without being held in memory.
 */
public final class TinyModelGenerator {

    /** Logit given to the scripted next token; every other logit is 0, so the margin is this much. */
    static final float SCRIPT_LOGIT = 40f;

    private static final float RMS_EPS = 1e-6f;

    /** llama.cpp architectures this generator writes. */
    public enum Architecture {
        QWEN2("qwen2", "qwen2", 1_000_000f),
        LLAMA("llama", "llama-bpe", 500_000f);

        final String ggufName;
        final String preTokenizer;
        final float ropeTheta;

        Architecture(String ggufName, String preTokenizer, float ropeTheta) {
            this.ggufName = ggufName;
            this.preTokenizer = preTokenizer;
            this.ropeTheta = ropeTheta;
        }

        /** The {@code general.architecture} value. */
        public String ggufName() {
            return ggufName;
        }
    }

    /**
     * Model shape.
     *
     * @param vocabSize pad the vocabulary to this many tokens; 0 keeps just the tokens needed
     * @param weightType type of the 2-D weights (norms and biases are always F32)
     * @param seed seed of the random weights (unused by scripted models)
     * @param tiedEmbeddings leave out {@code output.weight} so llama.cpp reuses {@code token_embd}
     */
    public record Spec(
            Architecture architecture,
            int embeddingDim,
            int layers,
            int heads,
            int kvHeads,
            int ffnDim,
            int contextLength,
            int vocabSize,
            GgmlType weightType,
            long seed,
            boolean tiedEmbeddings) {
        public Spec {
            Objects.requireNonNull(architecture);
            Objects.requireNonNull(weightType);
            if (embeddingDim <= 0
                    || layers <= 0
                    || heads <= 0
                    || kvHeads <= 0
                    || ffnDim <= 0
                    || contextLength <= 0
                    || vocabSize < 0) {
                throw new IllegalArgumentException("non-positive size in " + this);
            }
            if (embeddingDim % heads != 0 || heads % kvHeads != 0 || (embeddingDim / heads) % 2 != 0) {
                throw new IllegalArgumentException("heads must divide the width into even head sizes: " + this);
            }
            if (weightType == GgmlType.Q8_0 && (embeddingDim % 32 != 0 || ffnDim % 32 != 0)) {
                throw new IllegalArgumentException("Q8_0 rows need multiples of 32: " + this);
            }
        }

        /** Qwen2 layout: width 64, 2 layers, 4 heads (2 KV), FFN 128, context 2048, F32, tied. */
        public static Spec tinyQwen2() {
            return new Spec(Architecture.QWEN2, 64, 2, 4, 2, 128, 2048, 0, GgmlType.F32, 1, true);
        }

        /** Llama layout with the same small shape as {@link #tinyQwen2()}, F16 weights. */
        public static Spec tinyLlama() {
            return new Spec(Architecture.LLAMA, 64, 2, 4, 2, 128, 2048, 0, GgmlType.F16, 1, true);
        }

        /**
         * A named shape of {@code ./r1 gguf synth}: {@code tiny} (width 64, 2 layers), {@code 0.5b}
         * (Qwen2.5-0.5B), {@code 1.5b} (DeepSeek-R1-Distill-Qwen-1.5B / Qwen2.5-1.5B, untied as the distill),
         * {@code 7b} (R1-Distill-Qwen-7B / Qwen2.5-7B) for qwen2; {@code tiny} and {@code 8b}
         * (R1-Distill-Llama-8B / Llama-3.1-8B) for llama. Context 4096, Q8_0 (tiny: F16).
         */
        public static Spec named(Architecture arch, String shape) {
            Spec s = switch (arch + "/" + shape) {
                case "QWEN2/tiny" -> tinyQwen2().withWeightType(GgmlType.F16);
                case "LLAMA/tiny" -> tinyLlama();
                case "QWEN2/0.5b" -> qwen2_0_5bShape();
                case "QWEN2/1.5b" ->
                    new Spec(Architecture.QWEN2, 1536, 28, 12, 2, 8960, 4096, 0, GgmlType.Q8_0, 1, false);
                case "QWEN2/7b" ->
                    new Spec(Architecture.QWEN2, 3584, 28, 28, 4, 18944, 4096, 0, GgmlType.Q8_0, 1, false);
                case "LLAMA/8b" ->
                    new Spec(Architecture.LLAMA, 4096, 32, 32, 8, 14336, 4096, 0, GgmlType.Q8_0, 1, false);
                default ->
                    throw new IllegalArgumentException("--shape: " + shape + " is not a " + arch.ggufName
                            + " shape (qwen2: tiny, 0.5b, 1.5b, 7b; llama: tiny, 8b)");
            };
            return s.withContextLength(shape.equals("tiny") ? 2048 : 4096);
        }

        /** The shape of Qwen2(.5)-0.5B (about 494M parameters), Q8_0, tied embeddings, context 4096. */
        public static Spec qwen2_0_5bShape() {
            return new Spec(Architecture.QWEN2, 896, 24, 14, 2, 4864, 4096, 151_936, GgmlType.Q8_0, 1, true);
        }

        public Spec withSeed(long seed) {
            return new Spec(
                    architecture,
                    embeddingDim,
                    layers,
                    heads,
                    kvHeads,
                    ffnDim,
                    contextLength,
                    vocabSize,
                    weightType,
                    seed,
                    tiedEmbeddings);
        }

        public Spec withWeightType(GgmlType type) {
            return new Spec(
                    architecture,
                    embeddingDim,
                    layers,
                    heads,
                    kvHeads,
                    ffnDim,
                    contextLength,
                    vocabSize,
                    type,
                    seed,
                    tiedEmbeddings);
        }

        public Spec withVocabSize(int size) {
            return new Spec(
                    architecture,
                    embeddingDim,
                    layers,
                    heads,
                    kvHeads,
                    ffnDim,
                    contextLength,
                    size,
                    weightType,
                    seed,
                    tiedEmbeddings);
        }

        public Spec withContextLength(int length) {
            return new Spec(
                    architecture,
                    embeddingDim,
                    layers,
                    heads,
                    kvHeads,
                    ffnDim,
                    length,
                    vocabSize,
                    weightType,
                    seed,
                    tiedEmbeddings);
        }

        /** Same shape with {@code dim} width, keeping the head count (used to fit long scripts). */
        Spec withEmbeddingDim(int dim) {
            return new Spec(
                    architecture,
                    dim,
                    layers,
                    heads,
                    kvHeads,
                    ffnDim,
                    contextLength,
                    vocabSize,
                    weightType,
                    seed,
                    tiedEmbeddings);
        }

        Spec untied() {
            return new Spec(
                    architecture,
                    embeddingDim,
                    layers,
                    heads,
                    kvHeads,
                    ffnDim,
                    contextLength,
                    vocabSize,
                    weightType,
                    seed,
                    false);
        }

        public int headDim() {
            return embeddingDim / heads;
        }

        public int kvDim() {
            return kvHeads * headDim();
        }

        /** {@code general.file_type}: mostly-F32 0, mostly-F16 1, mostly-Q8_0 7. */
        int fileType() {
            return switch (weightType) {
                case F32 -> 0;
                case F16 -> 1;
                case Q8_0 -> 7;
            };
        }
    }

    /** A scripted chain: after {@code trigger}, emit {@code pieces} in order, then {@code eos}. */
    private record Script(List<byte[]> pieces, String trigger, String eos) {}

    private final Spec spec;
    private final ByteLevelBpeVocab.Family family;
    private final List<String> extraPieces;
    private final Script script; // null for random weights
    private final HfVocabulary hfVocabulary; // a real vocabulary instead of the generated one; null if none

    private TinyModelGenerator(Spec spec, ByteLevelBpeVocab.Family family, List<String> extraPieces, Script script) {
        this(spec, family, extraPieces, script, null);
    }

    private TinyModelGenerator(
            Spec spec,
            ByteLevelBpeVocab.Family family,
            List<String> extraPieces,
            Script script,
            HfVocabulary hfVocabulary) {
        this.spec = spec;
        this.family = family;
        this.extraPieces = List.copyOf(extraPieces);
        this.script = script;
        this.hfVocabulary = hfVocabulary;
    }

    /**
     * A random-weight model of the given shape with a real Hugging Face vocabulary (its tokens, merges,
     * special tokens and chat template); the embedding has one row per token of {@code vocab}.
     */
    public static TinyModelGenerator random(Spec spec, HfVocabulary vocab) {
        return new TinyModelGenerator(
                spec.withVocabSize(vocab.size()),
                ByteLevelBpeVocab.Family.DEEPSEEK_R1,
                List.of(),
                null,
                Objects.requireNonNull(vocab));
    }

    /** A random-weight model of the given shape with the DeepSeek-R1 special tokens as BOS/EOS. */
    public static TinyModelGenerator random(Spec spec) {
        return new TinyModelGenerator(spec, ByteLevelBpeVocab.Family.DEEPSEEK_R1, List.of(), null);
    }

    /**
     * A scripted model (see the class comment) on the tiny preset of {@code arch}, widened if the script
     * needs more than 62 axes. Each script entry is a vocabulary token: a special token given literally
     * ({@code "</think>"}) or the plain text of a piece ({@code " answer"}), which is added to the
     * vocabulary. Entries must be distinct and differ from the trigger.
     *
     * @param startAfterToken the token the prompt ends with, e.g. {@code "<think>"} or {@code "\n"}
     */
    public static TinyModelGenerator scripted(Architecture arch, List<String> scriptTokens, String startAfterToken) {
        List<byte[]> pieces = new ArrayList<>(scriptTokens.size());
        for (String t : scriptTokens) {
            pieces.add(t.getBytes(StandardCharsets.UTF_8));
        }
        return scriptedPieces(arch, pieces, startAfterToken);
    }

    /**
     * Like {@link #scripted} with each entry given as raw bytes, which need not be valid UTF-8 on their own
     * (see {@link #splitMidCharacter(String)}).
     */
    public static TinyModelGenerator scriptedPieces(Architecture arch, List<byte[]> pieces, String startAfterToken) {
        Spec base = arch == Architecture.QWEN2 ? Spec.tinyQwen2() : Spec.tinyLlama();
        int axes = pieces.size() + 2; // + the trigger + the axis every other token shares
        int dim = Math.max(base.embeddingDim(), (axes + 63) / 64 * 64);
        Script script = new Script(List.copyOf(pieces), startAfterToken, null);
        return new TinyModelGenerator(
                        base.withEmbeddingDim(dim).withWeightType(GgmlType.F32).untied(),
                        ByteLevelBpeVocab.Family.DEEPSEEK_R1,
                        List.of(),
                        script)
                .checked();
    }

    /**
     * Splits {@code text} so that every multi-byte character is cut after its second byte, e.g. "中文"
     * into [E4 B8] [AD] [E6 96] [87]; single-byte characters stay whole.
     */
    public static List<byte[]> splitMidCharacter(String text) {
        List<byte[]> out = new ArrayList<>();
        text.codePoints().forEach(cp -> {
            byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
            if (b.length <= 2) {
                out.add(b);
            } else {
                out.add(Arrays.copyOfRange(b, 0, 2));
                out.add(Arrays.copyOfRange(b, 2, b.length));
            }
        });
        return out;
    }

    /** Same model with another chat-template family (changes BOS/EOS and whether BOS is added). */
    public TinyModelGenerator withFamily(ByteLevelBpeVocab.Family family) {
        return new TinyModelGenerator(spec, Objects.requireNonNull(family), extraPieces, script).checked();
    }

    /** Same model ending its script with {@code eosToken} (a special token), also written as EOS. */
    public TinyModelGenerator withEos(String eosToken) {
        if (script == null) {
            throw new IllegalStateException("withEos applies to scripted models");
        }
        return new TinyModelGenerator(
                        spec, family, extraPieces, new Script(script.pieces(), script.trigger(), eosToken))
                .checked();
    }

    /** Same model with these pieces added to the vocabulary as merged tokens. */
    public TinyModelGenerator withExtraPieces(List<String> pieces) {
        List<String> all = new ArrayList<>(extraPieces);
        all.addAll(pieces);
        return new TinyModelGenerator(spec, family, all, script);
    }

    /**
     * Same generator with another shape, e.g. another weight type or a padded vocabulary. Scripted models
     * stay untied and still need a width of at least script length + 2.
     */
    public TinyModelGenerator withSpec(Spec spec) {
        Spec s = script == null ? spec : spec.untied();
        return new TinyModelGenerator(s, family, extraPieces, script).checked();
    }

    public Spec spec() {
        return spec;
    }

    /** The vocabulary this generator writes (deterministic: equal on every call). */
    public ByteLevelBpeVocab vocab() {
        ByteLevelBpeVocab.Builder b = ByteLevelBpeVocab.builder(family)
                .preTokenizer(spec.architecture().preTokenizer)
                .addPieces(extraPieces)
                .padTo(spec.vocabSize());
        if (script != null) {
            script.pieces().forEach(p -> {
                if (!isSpecial(p)) {
                    b.addPiece(p);
                }
            });
            if (script.eos() != null) {
                b.eos(script.eos());
            }
        }
        return b.build();
    }

    /** Writes the model to {@code file} and returns it. */
    public Path write(Path file) throws IOException {
        ByteLevelBpeVocab vocab = hfVocabulary == null ? vocab() : null;
        Weights weights = hfVocabulary != null
                ? new RandomWeights(spec, hfVocabulary.realTokens())
                : script == null
                        ? new RandomWeights(spec, realTokens(vocab))
                        : new ScriptedWeights(spec, vocab, script);
        GgufWriter w = new GgufWriter();
        String a = spec.architecture().ggufName;
        w.putString("general.architecture", a)
                .putString("general.name", (script == null ? "random-" : "scripted-") + a)
                .putUint32("general.file_type", spec.fileType())
                .putUint32(a + ".context_length", spec.contextLength())
                .putUint32(a + ".embedding_length", spec.embeddingDim())
                .putUint32(a + ".block_count", spec.layers())
                .putUint32(a + ".feed_forward_length", spec.ffnDim())
                .putUint32(a + ".attention.head_count", spec.heads())
                .putUint32(a + ".attention.head_count_kv", spec.kvHeads())
                .putUint32(a + ".rope.dimension_count", spec.headDim())
                .putFloat32(a + ".rope.freq_base", spec.architecture().ropeTheta)
                .putFloat32(a + ".attention.layer_norm_rms_epsilon", RMS_EPS);
        if (hfVocabulary != null) {
            hfVocabulary.writeTo(w);
        } else {
            vocab.writeTo(w);
        }

        int dim = spec.embeddingDim();
        int kv = spec.kvDim();
        int ffn = spec.ffnDim();
        long n = hfVocabulary != null ? hfVocabulary.size() : vocab.size();
        GgmlType t = spec.weightType();
        w.addTensor("token_embd.weight", new long[] {dim, n}, t, weights.embedding());
        for (int l = 0; l < spec.layers(); l++) {
            String p = "blk." + l + ".";
            w.addTensor(p + "attn_norm.weight", new long[] {dim}, GgmlType.F32, Weights.ONES);
            w.addTensor(p + "attn_q.weight", new long[] {dim, dim}, t, weights.matrix(p + "attn_q", dim));
            w.addTensor(p + "attn_k.weight", new long[] {dim, kv}, t, weights.matrix(p + "attn_k", dim));
            w.addTensor(p + "attn_v.weight", new long[] {dim, kv}, t, weights.matrix(p + "attn_v", dim));
            if (spec.architecture() == Architecture.QWEN2) {
                w.addTensor(p + "attn_q.bias", new long[] {dim}, GgmlType.F32, weights.bias(p + "attn_q"));
                w.addTensor(p + "attn_k.bias", new long[] {kv}, GgmlType.F32, weights.bias(p + "attn_k"));
                w.addTensor(p + "attn_v.bias", new long[] {kv}, GgmlType.F32, weights.bias(p + "attn_v"));
            }
            w.addTensor(p + "attn_output.weight", new long[] {dim, dim}, t, weights.matrix(p + "attn_output", dim));
            w.addTensor(p + "ffn_norm.weight", new long[] {dim}, GgmlType.F32, Weights.ONES);
            w.addTensor(p + "ffn_gate.weight", new long[] {dim, ffn}, t, weights.matrix(p + "ffn_gate", dim));
            w.addTensor(p + "ffn_up.weight", new long[] {dim, ffn}, t, weights.matrix(p + "ffn_up", dim));
            w.addTensor(p + "ffn_down.weight", new long[] {ffn, dim}, t, weights.matrix(p + "ffn_down", ffn));
        }
        w.addTensor("output_norm.weight", new long[] {dim}, GgmlType.F32, Weights.ONES);
        if (!spec.tiedEmbeddings()) {
            w.addTensor("output.weight", new long[] {dim, n}, t, weights.output());
        }
        w.write(file);
        return file;
    }

    /**
     * Writes a random-weight model with the shape of Qwen2-0.5B ({@link Spec#qwen2_0_5bShape()}, about
     * 530 MB) to {@code dir/qwen2-0.5b-shape-q8_0.gguf}, for decode-speed benchmarks.
     */
    public static Path writeQwen2HalfBillionShape(Path dir) throws IOException {
        return random(Spec.qwen2_0_5bShape()).write(dir.resolve("qwen2-0.5b-shape-q8_0.gguf"));
    }

    private TinyModelGenerator checked() {
        if (script == null) {
            return this;
        }
        Set<String> seen = new HashSet<>();
        for (byte[] p : script.pieces()) {
            if (!seen.add(ByteLevelBpeVocab.encodeBytes(p))) {
                throw new IllegalArgumentException(
                        "script tokens must be distinct, repeated: " + new String(p, StandardCharsets.UTF_8));
            }
        }
        if (seen.contains(ByteLevelBpeVocab.encodeBytes(script.trigger().getBytes(StandardCharsets.UTF_8)))) {
            throw new IllegalArgumentException("the trigger " + script.trigger() + " is also a script token");
        }
        if (script.pieces().size() + 2 > spec.embeddingDim()) {
            throw new IllegalArgumentException("a script of " + script.pieces().size()
                    + " tokens needs embedding width >= " + (script.pieces().size() + 2));
        }
        vocab().id(script.trigger()); // fails early on a trigger that is not a token
        return this;
    }

    /** Tokens before the [PAD] filler. */
    private static int realTokens(ByteLevelBpeVocab vocab) {
        int[] types = vocab.tokenTypes();
        int n = types.length;
        while (n > 0 && types[n - 1] == ByteLevelBpeVocab.TYPE_UNUSED) {
            n--;
        }
        return n;
    }

    private static boolean isSpecial(byte[] piece) {
        String s = new String(piece, StandardCharsets.UTF_8);
        return ByteLevelBpeVocab.CONTROL_TOKENS.contains(s) || ByteLevelBpeVocab.USER_DEFINED_TOKENS.contains(s);
    }

    /** Tensor contents of one model. */
    private interface Weights {
        TensorData ONES = (offset, out, length) -> Arrays.fill(out, 0, length, 1f);
        TensorData ZEROS = (offset, out, length) -> Arrays.fill(out, 0, length, 0f);

        TensorData embedding();

        TensorData output();

        /** A weight matrix whose rows have {@code fanIn} inputs. */
        TensorData matrix(String name, int fanIn);

        TensorData bias(String name);
    }

    /**
     * Pseudo-normal weights: element i of a tensor is a hash of (seed, tensor name, i), so any chunk can be
     * produced on its own and the same seed always gives the same file.
     */
    private record RandomWeights(Spec spec, int realTokens) implements Weights {
        private static final float EMBEDDING_STD = 0.1f;

        @Override
        public TensorData embedding() {
            return withZeroPadding(gaussian("token_embd", EMBEDDING_STD));
        }

        @Override
        public TensorData output() {
            return withZeroPadding(gaussian("output", EMBEDDING_STD));
        }

        /**
         * Zero rows for the [PAD] filler, as in a trained model where they never win: with a padded
         * 152k vocabulary, random rows would make nearly every sampled token an invisible filler.
         */
        private TensorData withZeroPadding(TensorData rows) {
            long end = (long) realTokens * spec.embeddingDim();
            return (offset, out, length) -> {
                rows.fill(offset, out, length);
                for (int i = (int) Math.max(0, Math.min(length, end - offset)); i < length; i++) {
                    out[i] = 0f;
                }
            };
        }

        @Override
        public TensorData matrix(String name, int fanIn) {
            // 1/sqrt(fan-in) keeps activations O(1) through the layers; capped at 0.1 for tiny widths.
            return gaussian(name, (float) Math.min(0.1, 1 / Math.sqrt(fanIn)));
        }

        @Override
        public TensorData bias(String name) {
            return gaussian(name + ".bias", 0.02f);
        }

        private TensorData gaussian(String tensor, float std) {
            long salt = mix(spec.seed() ^ mix(tensor.hashCode()));
            return (offset, out, length) -> {
                for (int i = 0; i < length; i++) {
                    out[i] = std * normalish(mix(salt + offset + i));
                }
            };
        }

        /** Irwin-Hall: the sum of four 16-bit uniforms from one hash, rescaled to mean 0 and variance 1. */
        private static float normalish(long h) {
            long sum = (h & 0xFFFF) + ((h >>> 16) & 0xFFFF) + ((h >>> 32) & 0xFFFF) + (h >>> 48);
            return (float) ((sum / 65536.0 - 2.0) * Math.sqrt(3.0));
        }

        /** SplitMix64's finalizer. */
        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }

    /**
     * Zero attention and FFN, one embedding axis per chain state, and an output matrix that turns state
     * axis k into a large logit for the token that follows it. Axis 0 is shared by every token outside
     * the chain and leads to EOS.
     */
    private static final class ScriptedWeights implements Weights {
        private final int dim;
        private final int[] axisOfToken; // token id -> axis
        private final int[] nextOfAxis; // axis -> token id to emit next
        private final float weight;

        ScriptedWeights(Spec spec, ByteLevelBpeVocab vocab, Script script) {
            this.dim = spec.embeddingDim();
            this.axisOfToken = new int[vocab.size()];
            this.nextOfAxis = new int[dim];
            Arrays.fill(nextOfAxis, vocab.eosId());
            List<byte[]> pieces = script.pieces();
            axisOfToken[vocab.id(script.trigger())] = 1;
            for (int i = 0; i < pieces.size(); i++) {
                int id = vocab.id(pieces.get(i));
                axisOfToken[id] = i + 2;
                nextOfAxis[i + 1] = id; // the trigger's axis (1) leads to piece 0, piece i's to piece i+1
            }
            // RMSNorm scales a unit one-hot vector to about sqrt(dim); divide that out of the logit.
            this.weight = SCRIPT_LOGIT / (float) Math.sqrt(dim);
        }

        @Override
        public TensorData embedding() {
            return (offset, out, length) -> {
                for (int i = 0; i < length; i++) {
                    long flat = offset + i;
                    out[i] = flat % dim == axisOfToken[(int) (flat / dim)] ? 1f : 0f;
                }
            };
        }

        @Override
        public TensorData output() {
            return (offset, out, length) -> {
                for (int i = 0; i < length; i++) {
                    long flat = offset + i;
                    out[i] = nextOfAxis[(int) (flat % dim)] == flat / dim ? weight : 0f;
                }
            };
        }

        @Override
        public TensorData matrix(String name, int fanIn) {
            return ZEROS;
        }

        @Override
        public TensorData bias(String name) {
            return ZEROS;
        }
    }
}
