package dev.r1serve.server.engine.llamacpp;

import static dev.r1serve.server.engine.llamacpp.LlamaNative.BATCH;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One llama.cpp model and context with a reusable batch: what {@link LlamaCppEngine}'s thread drives. Only that
 * thread decodes (the decode itself runs on the {@link DecodeThread} while it waits), samples or changes the KV
 * cache; {@link #tokenize} and {@link #piece} read the vocabulary only and may be called from any thread.
 */
final class LlamaContext implements AutoCloseable {

    private final Arena arena = Arena.ofShared();
    private final MemorySegment model;
    private final MemorySegment ctx;
    private final MemorySegment vocab;
    private final int batchCapacity;
    private final MemorySegment batch;
    private final MemorySegment tokens, pos, nSeqId, seqIdPtrs, seqIds, logits;
    private final byte[][] pieceCache;
    private int batchSize;

    LlamaContext(String gguf, int nCtx, int batchCapacity, int sequences, int threads) {
        LlamaNative.load();
        try {
            model = (MemorySegment)
                    LlamaNative.MODEL_LOAD.invokeExact(arena.allocateFrom(gguf), LlamaNative.modelParams(arena));
            if (model.address() == 0) {
                throw new IllegalArgumentException("llama.cpp could not load " + gguf);
            }
            ctx = (MemorySegment) LlamaNative.INIT_FROM_MODEL.invokeExact(
                    model, LlamaNative.contextParams(arena, nCtx, batchCapacity, sequences, threads, 0.1f));
            if (ctx.address() == 0) {
                LlamaNative.MODEL_FREE.invokeExact(model);
                throw new IllegalArgumentException(
                        "llama.cpp could not create a context of " + nCtx + " cells for " + gguf);
            }
            vocab = (MemorySegment) LlamaNative.MODEL_GET_VOCAB.invokeExact(model);
            pieceCache = new byte[(int) LlamaNative.VOCAB_N_TOKENS.invokeExact(vocab)][];
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new IllegalStateException(t);
        }
        this.batchCapacity = batchCapacity;
        batch = arena.allocate(BATCH);
        tokens = arena.allocate(JAVA_INT, batchCapacity);
        pos = arena.allocate(JAVA_INT, batchCapacity);
        nSeqId = arena.allocate(JAVA_INT, batchCapacity);
        seqIdPtrs = arena.allocate(ADDRESS, batchCapacity);
        seqIds = arena.allocate(JAVA_INT, batchCapacity);
        logits = arena.allocate(JAVA_BYTE, batchCapacity);
        for (int i = 0; i < batchCapacity; i++) {
            nSeqId.setAtIndex(JAVA_INT, i, 1);
            seqIdPtrs.setAtIndex(ADDRESS, i, seqIds.asSlice(4L * i, 4));
        }
        batch.set(ADDRESS, BATCH.byteOffset(MemoryLayoutPath.of("token")), tokens);
        batch.set(ADDRESS, BATCH.byteOffset(MemoryLayoutPath.of("embd")), MemorySegment.NULL);
        batch.set(ADDRESS, BATCH.byteOffset(MemoryLayoutPath.of("pos")), pos);
        batch.set(ADDRESS, BATCH.byteOffset(MemoryLayoutPath.of("n_seq_id")), nSeqId);
        batch.set(ADDRESS, BATCH.byteOffset(MemoryLayoutPath.of("seq_id")), seqIdPtrs);
        batch.set(ADDRESS, BATCH.byteOffset(MemoryLayoutPath.of("logits")), logits);
    }

    /** Small helper so the batch's field offsets read by name. */
    private static final class MemoryLayoutPath {
        static java.lang.foreign.MemoryLayout.PathElement of(String name) {
            return java.lang.foreign.MemoryLayout.PathElement.groupElement(name);
        }
    }

    int batchCapacity() {
        return batchCapacity;
    }

    int vocabSize() {
        return pieceCache.length;
    }

    /** llama.cpp's tokenizer; {@code addSpecial} adds the BOS the model asks for, special-token text is parsed. */
    int[] tokenize(String text, boolean addSpecial) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment in = a.allocate(utf8.length + 1L);
            in.copyFrom(MemorySegment.ofArray(utf8));
            int cap = utf8.length + 8;
            MemorySegment out = a.allocate(JAVA_INT, cap);
            int n = (int) LlamaNative.TOKENIZE.invokeExact(vocab, in, utf8.length, out, cap, addSpecial, true);
            if (n < 0) {
                throw new IllegalStateException("llama_tokenize needs " + -n + " tokens");
            }
            return out.asSlice(0, 4L * n).toArray(JAVA_INT);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** The bytes a token adds to the text (special tokens render as nothing, as llama.cpp's server does). */
    byte[] piece(int token) {
        byte[] cached = pieceCache[token];
        if (cached != null) {
            return cached;
        }
        byte[] bytes = render(token, false);
        pieceCache[token] = bytes;
        return bytes;
    }

    /** The token's bytes with special tokens rendered as their text ({@code </s>}), unlike {@link #piece}. */
    byte[] pieceWithSpecials(int token) {
        return render(token, true);
    }

    /** {@code llama_token_to_piece}: the token's bytes, special tokens as their text or as nothing. */
    private byte[] render(int token, boolean specials) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            int n = (int) LlamaNative.TOKEN_TO_PIECE.invokeExact(vocab, token, buf, 256, 0, specials);
            return n <= 0 ? new byte[0] : buf.asSlice(0, n).toArray(JAVA_BYTE);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    boolean isEndOfGeneration(int token) {
        try {
            return (boolean) LlamaNative.VOCAB_IS_EOG.invokeExact(vocab, token);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    // ---- engine thread only ----

    void clearBatch() {
        batchSize = 0;
    }

    int batchSize() {
        return batchSize;
    }

    /** Adds a token at {@code position} of sequence {@code seq}; returns its index in the batch. */
    int add(int token, int position, int seq, boolean wantLogits) {
        int i = batchSize++;
        tokens.setAtIndex(JAVA_INT, i, token);
        pos.setAtIndex(JAVA_INT, i, position);
        seqIds.setAtIndex(JAVA_INT, i, seq);
        logits.set(JAVA_BYTE, i, wantLogits ? (byte) 1 : 0);
        return i;
    }

    /** Decodes the batch: 0 on success, 1 when the KV cache had no room, other values on errors. */
    int decode() {
        batch.set(JAVA_INT, 0, batchSize);
        return DecodeThread.decode(ctx, batch);
    }

    /** Removes positions {@code [from, to)} of a sequence from the KV cache ({@code to} -1: to the end). */
    void removeKv(int seq, int from, int to) {
        try {
            boolean ignored = (boolean) LlamaNative.KV_SEQ_RM.invokeExact(ctx, seq, from, to);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Makes positions {@code [0, length)} of {@code from} part of {@code to} too: the cells are shared, not copied. */
    void shareKv(int from, int to, int length) {
        try {
            LlamaNative.KV_SEQ_CP.invokeExact(ctx, from, to, 0, length);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** A sampler chain as llama.cpp's server builds it: penalties, top-k, top-p, min-p, temperature, seeded draw. */
    MemorySegment sampler(
            float temperature, float topP, int topK, float minP, float frequency, float presence, long seed) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = a.allocate(LlamaNative.CHAIN_PARAMS);
            params.set(JAVA_BYTE, 0, (byte) 1);
            MemorySegment chain = (MemorySegment) LlamaNative.CHAIN_INIT.invokeExact(params);
            if (frequency != 0 || presence != 0) {
                // over the last 64 tokens, llama.cpp's repeat_last_n default; no repeat penalty (1.0)
                add(chain, (MemorySegment) LlamaNative.INIT_PENALTIES.invokeExact(64, 1.0f, frequency, presence));
            }
            if (temperature <= 0) {
                add(chain, (MemorySegment) LlamaNative.INIT_GREEDY.invokeExact());
                return chain;
            }
            if (topK > 0) {
                add(chain, (MemorySegment) LlamaNative.INIT_TOP_K.invokeExact(topK));
            }
            if (topP < 1) {
                add(chain, (MemorySegment) LlamaNative.INIT_TOP_P.invokeExact(topP, 1L));
            }
            if (minP > 0) {
                add(chain, (MemorySegment) LlamaNative.INIT_MIN_P.invokeExact(minP, 1L));
            }
            add(chain, (MemorySegment) LlamaNative.INIT_TEMP.invokeExact(temperature));
            add(chain, (MemorySegment) LlamaNative.INIT_DIST.invokeExact((int) seed));
            return chain;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static void add(MemorySegment chain, MemorySegment sampler) throws Throwable {
        LlamaNative.CHAIN_ADD.invokeExact(chain, sampler);
    }

    /** Samples from the logits of batch index {@code i} (and records the token in the chain's history). */
    int sample(MemorySegment sampler, int i) {
        try {
            return (int) LlamaNative.SAMPLE.invokeExact(sampler, ctx, i);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * The model's raw logits at batch index {@code i} (one per vocabulary entry), copied into {@code into}: what
     * llama.cpp computed, before any sampler. Call before {@link #sample}, which only reads them.
     */
    void copyLogits(int i, float[] into) {
        MemorySegment row;
        try {
            row = (MemorySegment) LlamaNative.GET_LOGITS_ITH.invokeExact(ctx, i);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        if (row.address() == 0) {
            throw new IllegalStateException("llama.cpp has no logits for batch index " + i);
        }
        MemorySegment.copy(row.reinterpret(4L * into.length), JAVA_FLOAT, 0, into, 0, into.length);
    }

    static void freeSampler(MemorySegment sampler) {
        try {
            LlamaNative.SAMPLER_FREE.invokeExact(sampler);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    @Override
    public void close() {
        try {
            LlamaNative.FREE.invokeExact(ctx);
            LlamaNative.MODEL_FREE.invokeExact(model);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            arena.close();
        }
    }

    @Override
    public String toString() {
        return "LlamaContext" + Arrays.toString(new int[] {batchCapacity, pieceCache.length});
    }
}
