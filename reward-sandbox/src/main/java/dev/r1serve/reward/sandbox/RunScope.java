package dev.r1serve.reward.sandbox;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;

/**
 * The sandbox runs of one caller, cancellable together: after {@link #cancel()} runs still queued end at once
 * without starting, and running ones are killed (their worker is interrupted, which kills the sandbox).
 * The RolloutService gives each stream one, so a cancelled stream frees its sandbox workers.
 */
public final class RunScope {

    /** A scope that is never cancelled. */
    public static final RunScope NONE = new RunScope();

    private final Set<Thread> running = new HashSet<>();
    private boolean cancelled;

    /** Cancels queued and running runs of this scope, and every later one. */
    public synchronized void cancel() {
        if (this == NONE) throw new IllegalStateException("RunScope.NONE cannot be cancelled");
        cancelled = true;
        running.forEach(Thread::interrupt);
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Runs {@code task} on this thread unless the scope is cancelled; a cancel while it runs interrupts it. */
    <T> T run(Supplier<T> task) {
        Thread self = Thread.currentThread();
        synchronized (this) {
            if (cancelled) throw new CancellationException("sandbox run cancelled");
            running.add(self);
        }
        try {
            return task.get();
        } finally {
            synchronized (this) {
                running.remove(self);
            }
            // Interrupts come only under the lock while registered: after removal none can arrive, so clearing
            // here keeps a pool thread from carrying this scope's cancel into another caller's run.
            Thread.interrupted();
            if (isCancelled()) throw new CancellationException("sandbox run cancelled");
        }
    }
}
