package dev.r1serve.reward.sandbox;

import dev.r1serve.reward.metrics.RewardMetrics;
import io.github.resilience4j.bulkhead.BulkheadFullException;
import io.github.resilience4j.bulkhead.ThreadPoolBulkhead;
import io.github.resilience4j.bulkhead.ThreadPoolBulkheadConfig;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A bounded pool of sandbox workers (a Resilience4j thread-pool bulkhead): at most {@code workers} runs at once
 * (default: the number of cores, since each run is CPU-bound), at most {@code queueCapacity} waiting; a run
 * submitted to a full queue fails at once with {@link SandboxBusyException} instead of piling up memory.
 */
public final class SandboxPool implements AutoCloseable {

    private final Sandbox sandbox;
    private final ThreadPoolBulkhead bulkhead;
    private final RewardMetrics metrics;
    private final java.util.concurrent.atomic.AtomicInteger running = new java.util.concurrent.atomic.AtomicInteger();

    public SandboxPool(Sandbox sandbox, int workers, int queueCapacity, RewardMetrics metrics) {
        // one pre-started sandbox per worker takes namespace set-up off the critical path
        this.sandbox = sandbox.prestart(workers);
        this.metrics = metrics;
        this.bulkhead = ThreadPoolBulkhead.of(
                "r1-sandbox",
                ThreadPoolBulkheadConfig.custom()
                        .coreThreadPoolSize(workers)
                        .maxThreadPoolSize(workers)
                        .queueCapacity(queueCapacity)
                        .build());
        if (metrics != null) metrics.queueDepth(this::queueDepth);
    }

    /** A pool of {@code availableProcessors} workers and a queue of 1024. */
    public static SandboxPool sizedToCores(Sandbox sandbox, RewardMetrics metrics) {
        return new SandboxPool(sandbox, Math.max(1, Runtime.getRuntime().availableProcessors()), 1024, metrics);
    }

    public Sandbox sandbox() {
        return sandbox;
    }

    public int queueDepth() {
        return bulkhead.getMetrics().getQueueDepth();
    }

    /** Runs executing on a worker now (not those queued). */
    public int runningNow() {
        return running.get();
    }

    /** Queues one run; completes with its result, or fails at once with {@link SandboxBusyException}. */
    public CompletionStage<RunResult> submit(Language lang, String source, String stdin, Limits limits) {
        return submit(lang, source, stdin, limits, RunScope.NONE);
    }

    /** As {@link #submit(Language, String, String, Limits)}; fails with a CancellationException once {@code scope} is cancelled. */
    public CompletionStage<RunResult> submit(
            Language lang, String source, String stdin, Limits limits, RunScope scope) {
        return submitTask(lang, scope, () -> sandbox.run(lang, source, stdin, limits));
    }

    /** Queues one function-call test (two sandboxes, one worker); completes with its verdict as a run result. */
    public CompletionStage<RunResult> submitFunctionCall(String source, CodeTest test, Limits limits) {
        return submitFunctionCall(source, test, limits, RunScope.NONE);
    }

    /** As {@link #submitFunctionCall(String, CodeTest, Limits)}, cancelled with {@code scope}. */
    public CompletionStage<RunResult> submitFunctionCall(String source, CodeTest test, Limits limits, RunScope scope) {
        return submitTask(
                Language.PYTHON,
                scope,
                () -> sandbox.runFunctionCall(source, test.setup(), test.testCode(), test.entryPoint(), limits));
    }

    private CompletionStage<RunResult> submitTask(
            Language lang, RunScope scope, java.util.function.Supplier<RunResult> task) {
        try {
            return bulkhead.submit(() -> scope.run(() -> {
                running.incrementAndGet();
                try {
                    RunResult r = task.get();
                    if (metrics != null) metrics.sandboxRun(r.status().label(), lang.label(), r.wallMillis());
                    return r;
                } finally {
                    running.decrementAndGet();
                }
            }));
        } catch (BulkheadFullException e) {
            if (metrics != null) metrics.sandboxRun("rejected", lang.label(), -1);
            return CompletableFuture.failedFuture(new SandboxBusyException(
                    "sandbox queue full (" + bulkhead.getBulkheadConfig().getQueueCapacity() + " runs waiting)"));
        }
    }

    @Override
    public void close() {
        sandbox.close();
        try {
            bulkhead.close();
        } catch (Exception e) {
            // the bulkhead only shuts its executor down
        }
    }
}
