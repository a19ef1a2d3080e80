package dev.r1serve.server.gguf;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts a llama2.c "legacy" checkpoint (model .bin + tokenizer .bin) into a GGUF file with the llama
 * architecture. Weights are copied as they are: llama2.c and llama.cpp's llama architecture both rotate
 * adjacent pairs in RoPE, so no permutation is needed (unlike a conversion to Hugging Face layout).
 */
public final class Llama2cConverter {

    private static final float RMS_EPS = 1e-5f;
    private static final float ROPE_THETA = 10000f;

    // SentencePiece token types as llama.cpp reads them.
    private static final int TOKEN_NORMAL = 1;
    private static final int TOKEN_UNKNOWN = 2;
    private static final int TOKEN_CONTROL = 3;
    private static final int TOKEN_BYTE = 6;

    private Llama2cConverter() {}

    /** Hyper-parameters from the checkpoint header. */
    public record Config(
            int dim,
            int hiddenDim,
            int layers,
            int heads,
            int kvHeads,
            int vocab,
            int seqLen,
            boolean sharedClassifier) {
        int headSize() {
            return dim / heads;
        }

        int kvDim() {
            return kvHeads * headSize();
        }
    }

    /**
     * Converts the checkpoint and tokenizer read from the two streams into {@code out}.
     *
     * @param type F32 or F16 for the 2-D weights (norm weights stay F32, as llama.cpp expects)
     */
    public static Config convert(InputStream model, InputStream tokenizer, String name, GgmlType type, Path out)
            throws IOException {
        ByteBuffer m = ByteBuffer.wrap(model.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer t = ByteBuffer.wrap(tokenizer.readAllBytes()).order(ByteOrder.LITTLE_ENDIAN);
        int dim = m.getInt(), hidden = m.getInt(), layers = m.getInt(), heads = m.getInt(), kvHeads = m.getInt();
        int vocab = m.getInt(), seqLen = m.getInt();
        Config c = new Config(dim, hidden, layers, heads, kvHeads, Math.abs(vocab), seqLen, vocab > 0);
        if (dim <= 0 || hidden <= 0 || layers <= 0 || heads <= 0 || kvHeads <= 0 || dim % heads != 0) {
            throw new IOException("not a llama2.c checkpoint: header " + c);
        }

        float[] tokEmb = floats(m, (long) c.vocab() * dim);
        float[][] rmsAtt = perLayer(m, layers, dim);
        float[][] wq = perLayer(m, layers, dim * dim);
        float[][] wk = perLayer(m, layers, c.kvDim() * dim);
        float[][] wv = perLayer(m, layers, c.kvDim() * dim);
        float[][] wo = perLayer(m, layers, dim * dim);
        float[][] rmsFfn = perLayer(m, layers, dim);
        float[][] w1 = perLayer(m, layers, hidden * dim);
        float[][] w2 = perLayer(m, layers, dim * hidden);
        float[][] w3 = perLayer(m, layers, hidden * dim);
        float[] rmsFinal = floats(m, dim);
        float[] classifier = null;
        if (!c.sharedClassifier()) {
            m.position(m.position() + 2 * 4 * seqLen * c.headSize() / 2); // skip the legacy RoPE tables
            classifier = floats(m, (long) c.vocab() * dim);
        }

        GgufWriter w = new GgufWriter()
                .putString("general.architecture", "llama")
                .putString("general.name", name)
                .putUint32("general.file_type", type == GgmlType.F16 ? 1 : 0)
                .putUint32("llama.context_length", seqLen)
                .putUint32("llama.embedding_length", dim)
                .putUint32("llama.block_count", layers)
                .putUint32("llama.feed_forward_length", hidden)
                .putUint32("llama.rope.dimension_count", c.headSize())
                .putFloat32("llama.rope.freq_base", ROPE_THETA)
                .putUint32("llama.attention.head_count", heads)
                .putUint32("llama.attention.head_count_kv", kvHeads)
                .putFloat32("llama.attention.layer_norm_rms_epsilon", RMS_EPS);
        addTokenizer(w, t, c.vocab());

        w.addTensor("token_embd.weight", new long[] {dim, c.vocab()}, type, TensorData.of(tokEmb));
        for (int l = 0; l < layers; l++) {
            String p = "blk." + l + ".";
            w.addTensor(p + "attn_norm.weight", new long[] {dim}, GgmlType.F32, TensorData.of(rmsAtt[l]));
            w.addTensor(p + "attn_q.weight", new long[] {dim, dim}, type, TensorData.of(wq[l]));
            w.addTensor(p + "attn_k.weight", new long[] {dim, c.kvDim()}, type, TensorData.of(wk[l]));
            w.addTensor(p + "attn_v.weight", new long[] {dim, c.kvDim()}, type, TensorData.of(wv[l]));
            w.addTensor(p + "attn_output.weight", new long[] {dim, dim}, type, TensorData.of(wo[l]));
            w.addTensor(p + "ffn_norm.weight", new long[] {dim}, GgmlType.F32, TensorData.of(rmsFfn[l]));
            w.addTensor(p + "ffn_gate.weight", new long[] {dim, hidden}, type, TensorData.of(w1[l]));
            w.addTensor(p + "ffn_down.weight", new long[] {hidden, dim}, type, TensorData.of(w2[l]));
            w.addTensor(p + "ffn_up.weight", new long[] {dim, hidden}, type, TensorData.of(w3[l]));
        }
        w.addTensor("output_norm.weight", new long[] {dim}, GgmlType.F32, TensorData.of(rmsFinal));
        if (classifier != null) { // a tied classifier is left out: llama.cpp then reuses token_embd
            w.addTensor("output.weight", new long[] {dim, c.vocab()}, type, TensorData.of(classifier));
        }
        w.write(out);
        return c;
    }

    private static void addTokenizer(GgufWriter w, ByteBuffer t, int vocab) {
        t.getInt(); // max token length
        List<String> tokens = new ArrayList<>(vocab);
        float[] scores = new float[vocab];
        int[] types = new int[vocab];
        for (int i = 0; i < vocab; i++) {
            scores[i] = t.getFloat();
            byte[] bytes = new byte[t.getInt()];
            t.get(bytes);
            // The export wrote SentencePiece's '▁' as a plain space; llama.cpp's SPM vocab wants it back.
            String text = new String(bytes, StandardCharsets.UTF_8).replace(' ', '\u2581');
            tokens.add(text);
            types[i] = i == 0
                    ? TOKEN_UNKNOWN
                    : i <= 2 ? TOKEN_CONTROL : text.matches("<0x[0-9A-F]{2}>") ? TOKEN_BYTE : TOKEN_NORMAL;
        }
        tokens.set(0, "<unk>");
        tokens.set(1, "<s>");
        tokens.set(2, "</s>");
        w.putString("tokenizer.ggml.model", "llama")
                .putStrings("tokenizer.ggml.tokens", tokens)
                .putFloats("tokenizer.ggml.scores", scores)
                .putInts("tokenizer.ggml.token_type", types)
                .putUint32("tokenizer.ggml.unknown_token_id", 0)
                .putUint32("tokenizer.ggml.bos_token_id", 1)
                .putUint32("tokenizer.ggml.eos_token_id", 2)
                // TinyStories models end a story by emitting BOS; marking it end-of-turn makes llama.cpp
                // stop there instead of running on into a new story.
                .putUint32("tokenizer.ggml.eot_token_id", 1)
                .putBool("tokenizer.ggml.add_bos_token", true)
                .putBool("tokenizer.ggml.add_eos_token", false);
    }

    private static float[] floats(ByteBuffer b, long count) {
        float[] a = new float[Math.toIntExact(count)];
        b.asFloatBuffer().get(a);
        b.position(b.position() + a.length * 4);
        return a;
    }

    private static float[][] perLayer(ByteBuffer b, int layers, int size) {
        float[][] a = new float[layers][];
        for (int l = 0; l < layers; l++) {
            a[l] = floats(b, size);
        }
        return a;
    }
}
