package dev.r1serve.server.engine.llamacpp;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * llama.cpp's C API ({@code llama.h} of b4916) in the libjllama.so that java-llama.cpp 4.2.0 ships, called
 * through the FFM API. java-llama.cpp's JNI layer streams only each result's text (no token ids, no counts, and
 * nothing at all for a token that ends inside a UTF-8 character); the C API under it gives the sampled ids, one
 * decode step for all sequences, and KV-cache sequences that can share a prompt ({@code llama_kv_self_seq_cp}).
 *
 * <p>The two parameter structs are taken from llama.cpp's own defaults and changed at offsets that are checked
 * against those defaults when the library loads, so a different build fails at once instead of misbehaving.
 */
final class LlamaNative {

    /** {@code struct llama_model_params}: 64 bytes in b4916, only passed through. */
    static final StructLayout MODEL_PARAMS = longs(8);
    /** {@code struct llama_context_params}: 120 bytes in b4916. */
    static final StructLayout CONTEXT_PARAMS = longs(15);

    static final long CTX_N_CTX = 0,
            CTX_N_BATCH = 4,
            CTX_N_UBATCH = 8,
            CTX_N_SEQ_MAX = 12,
            CTX_N_THREADS = 16,
            CTX_N_THREADS_BATCH = 20,
            CTX_DEFRAG_THOLD = 64;
    /** {@code struct llama_batch}. */
    static final StructLayout BATCH = MemoryLayout.structLayout(
            JAVA_INT.withName("n_tokens"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("token"),
            ADDRESS.withName("embd"),
            ADDRESS.withName("pos"),
            ADDRESS.withName("n_seq_id"),
            ADDRESS.withName("seq_id"),
            ADDRESS.withName("logits"));
    /** {@code struct llama_sampler_chain_params}: one bool. */
    static final StructLayout CHAIN_PARAMS = MemoryLayout.structLayout(JAVA_BOOLEAN.withName("no_perf"));

    static final MethodHandle BACKEND_INIT,
            MODEL_DEFAULT_PARAMS,
            MODEL_LOAD,
            MODEL_FREE,
            MODEL_GET_VOCAB,
            CONTEXT_DEFAULT_PARAMS,
            INIT_FROM_MODEL,
            FREE,
            DECODE,
            KV_SEQ_RM,
            KV_SEQ_CP,
            KV_DEFRAG,
            KV_UPDATE,
            VOCAB_N_TOKENS,
            VOCAB_IS_EOG,
            TOKENIZE,
            TOKEN_TO_PIECE,
            CHAIN_INIT,
            CHAIN_ADD,
            SAMPLER_FREE,
            SAMPLE,
            GET_LOGITS_ITH,
            INIT_GREEDY,
            INIT_DIST,
            INIT_TOP_K,
            INIT_TOP_P,
            INIT_MIN_P,
            INIT_TEMP,
            INIT_PENALTIES;

    static {
        NativeLibrary.prepare();
        Linker linker = Linker.nativeLinker();
        SymbolLookup lib = SymbolLookup.libraryLookup(libraryPath(), Arena.global());
        BACKEND_INIT = fn(linker, lib, "llama_backend_init", FunctionDescriptor.ofVoid());
        MODEL_DEFAULT_PARAMS = fn(linker, lib, "llama_model_default_params", FunctionDescriptor.of(MODEL_PARAMS));
        MODEL_LOAD =
                fn(linker, lib, "llama_model_load_from_file", FunctionDescriptor.of(ADDRESS, ADDRESS, MODEL_PARAMS));
        MODEL_FREE = fn(linker, lib, "llama_model_free", FunctionDescriptor.ofVoid(ADDRESS));
        MODEL_GET_VOCAB = fn(linker, lib, "llama_model_get_vocab", FunctionDescriptor.of(ADDRESS, ADDRESS));
        CONTEXT_DEFAULT_PARAMS = fn(linker, lib, "llama_context_default_params", FunctionDescriptor.of(CONTEXT_PARAMS));
        INIT_FROM_MODEL =
                fn(linker, lib, "llama_init_from_model", FunctionDescriptor.of(ADDRESS, ADDRESS, CONTEXT_PARAMS));
        FREE = fn(linker, lib, "llama_free", FunctionDescriptor.ofVoid(ADDRESS));
        DECODE = fn(linker, lib, "llama_decode", FunctionDescriptor.of(JAVA_INT, ADDRESS, BATCH));
        KV_SEQ_RM = fn(
                linker,
                lib,
                "llama_kv_self_seq_rm",
                FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
        KV_SEQ_CP = fn(
                linker,
                lib,
                "llama_kv_self_seq_cp",
                FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        KV_DEFRAG = fn(linker, lib, "llama_kv_self_defrag", FunctionDescriptor.ofVoid(ADDRESS));
        KV_UPDATE = fn(linker, lib, "llama_kv_self_update", FunctionDescriptor.ofVoid(ADDRESS));
        VOCAB_N_TOKENS = fn(linker, lib, "llama_vocab_n_tokens", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        VOCAB_IS_EOG = fn(linker, lib, "llama_vocab_is_eog", FunctionDescriptor.of(JAVA_BOOLEAN, ADDRESS, JAVA_INT));
        TOKENIZE = fn(
                linker,
                lib,
                "llama_tokenize",
                FunctionDescriptor.of(
                        JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_BOOLEAN, JAVA_BOOLEAN));
        TOKEN_TO_PIECE = fn(
                linker,
                lib,
                "llama_token_to_piece",
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_BOOLEAN));
        CHAIN_INIT = fn(linker, lib, "llama_sampler_chain_init", FunctionDescriptor.of(ADDRESS, CHAIN_PARAMS));
        CHAIN_ADD = fn(linker, lib, "llama_sampler_chain_add", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
        SAMPLER_FREE = fn(linker, lib, "llama_sampler_free", FunctionDescriptor.ofVoid(ADDRESS));
        SAMPLE = fn(linker, lib, "llama_sampler_sample", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
        GET_LOGITS_ITH = fn(linker, lib, "llama_get_logits_ith", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
        INIT_GREEDY = fn(linker, lib, "llama_sampler_init_greedy", FunctionDescriptor.of(ADDRESS));
        INIT_DIST = fn(linker, lib, "llama_sampler_init_dist", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        INIT_TOP_K = fn(linker, lib, "llama_sampler_init_top_k", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        INIT_TOP_P = fn(linker, lib, "llama_sampler_init_top_p", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT, JAVA_LONG));
        INIT_MIN_P = fn(linker, lib, "llama_sampler_init_min_p", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT, JAVA_LONG));
        INIT_TEMP = fn(linker, lib, "llama_sampler_init_temp", FunctionDescriptor.of(ADDRESS, JAVA_FLOAT));
        INIT_PENALTIES = fn(
                linker,
                lib,
                "llama_sampler_init_penalties",
                FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_FLOAT, JAVA_FLOAT, JAVA_FLOAT));
        try {
            BACKEND_INIT.invokeExact();
        } catch (Throwable t) {
            throw new ExceptionInInitializerError(t);
        }
    }

    private LlamaNative() {}

    /** Ensures the bindings are loaded (and the layout checked). */
    static void load() {}

    private static StructLayout longs(int n) {
        MemoryLayout[] fields = new MemoryLayout[n];
        for (int i = 0; i < n; i++) {
            fields[i] = JAVA_LONG.withName("f" + i);
        }
        return MemoryLayout.structLayout(fields);
    }

    private static MethodHandle fn(Linker linker, SymbolLookup lib, String name, FunctionDescriptor d) {
        MemorySegment symbol = lib.find(name)
                .orElseThrow(
                        () -> new UnsatisfiedLinkError("libjllama.so has no " + name + ": not llama.cpp b4916's API"));
        return linker.downcallHandle(symbol, d);
    }

    /** The libjllama.so java-llama.cpp extracted (and loaded) into its private directory. */
    private static Path libraryPath() {
        Path dir = Path.of(System.getProperty("de.kherud.llama.tmpdir"));
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().matches(".*jllama.*\\.(so|dylib|dll)"))
                    .findFirst()
                    .orElseThrow(() -> new UnsatisfiedLinkError("no libjllama in " + dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** llama.cpp's context defaults with ours written over them, after checking the offsets against the defaults. */
    static MemorySegment contextParams(Arena arena, int nCtx, int nBatch, int nSeqMax, int threads, float defragThold) {
        MemorySegment p;
        try {
            p = (MemorySegment) CONTEXT_DEFAULT_PARAMS.invokeExact((java.lang.foreign.SegmentAllocator) arena);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
        // b4916's defaults: n_ctx 512, n_batch 2048, n_ubatch 512, n_seq_max 1, defrag_thold -1
        if (p.get(JAVA_INT, CTX_N_CTX) != 512
                || p.get(JAVA_INT, CTX_N_BATCH) != 2048
                || p.get(JAVA_INT, CTX_N_UBATCH) != 512
                || p.get(JAVA_INT, CTX_N_SEQ_MAX) != 1
                || p.get(JAVA_FLOAT, CTX_DEFRAG_THOLD) != -1f) {
            throw new IllegalStateException("libjllama.so's llama_context_params differ from llama.cpp b4916's");
        }
        p.set(JAVA_INT, CTX_N_CTX, nCtx);
        p.set(JAVA_INT, CTX_N_BATCH, nBatch);
        p.set(JAVA_INT, CTX_N_UBATCH, nBatch);
        p.set(JAVA_INT, CTX_N_SEQ_MAX, nSeqMax);
        p.set(JAVA_INT, CTX_N_THREADS, threads);
        p.set(JAVA_INT, CTX_N_THREADS_BATCH, threads);
        p.set(JAVA_FLOAT, CTX_DEFRAG_THOLD, defragThold);
        return p;
    }

    static MemorySegment modelParams(Arena arena) {
        try {
            return (MemorySegment) MODEL_DEFAULT_PARAMS.invokeExact((java.lang.foreign.SegmentAllocator) arena);
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    static final ValueLayout.OfInt INT = JAVA_INT;
}
