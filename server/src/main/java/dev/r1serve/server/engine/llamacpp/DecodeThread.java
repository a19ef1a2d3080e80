package dev.r1serve.server.engine.llamacpp;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one thread of the process that runs {@code llama_decode}, for every embedded model.
 *
 * <p>libjllama.so is built with OpenMP, and libgomp gives each thread that starts a parallel region a team of its
 * own. Once a process holds more OpenMP threads than cores (two models, each decoding from its engine thread with
 * all cores), libgomp stops spinning at barriers and sleeps at every one of the hundreds in a decode step, also
 * while the other model is idle. Measured on 2 cores, a Qwen2-0.5B-shaped Q8_0 model: a step took 27 ms alone and
 * 40-45 ms once a second llama.cpp context had decoded from another thread. Decoding from one thread keeps one
 * team. The models' steps take turns, which on a CPU whose cores each step already uses loses nothing; the hand-off
 * costs two thread wake-ups per step (tens of microseconds against steps of milliseconds).
 */
final class DecodeThread {

    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("llama.cpp-decode").daemon().factory());

    private DecodeThread() {}

    /** {@code llama_decode(ctx, batch)} on the decode thread; waits for it even when interrupted (it uses the batch). */
    static int decode(MemorySegment ctx, MemorySegment batch) {
        Future<Integer> result = THREAD.submit(() -> {
            try {
                return (int) LlamaNative.DECODE.invokeExact(ctx, batch);
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        });
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return result.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
