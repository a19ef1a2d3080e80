package dev.r1serve.server.scheduling;

import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import dev.r1serve.server.error.ServerException;
import io.grpc.Deadline;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Admission control and ordering in front of one model's engine.
 *
 * <p>Requests wait here, counted in sequences, in a queue bounded by {@link SchedulerConfig#queueCapacity()}:
 * a request that does not fit is refused at once ({@link ServerException.Overloaded}), no thread ever blocks.
 * Sequences go to the engine only when it has a free slot, so the engine never holds a backlog and
 * this class alone decides the order: higher priority first; within a priority, fair turns across
 * clients one sequence at a time (so one client's n = 64 burst cannot starve another's n = 1); FIFO
 * within a client. A sequence whose deadline has passed is dropped without engine work.
 *
 * <p>One lock guards all queue state; engine callbacks and callers only take it briefly.
 */
public final class Scheduler {

    private final Engine engine;
    private final SchedulerConfig config;
    private final Object lock = new Object();
    /** Priority levels, highest first. */
    private final TreeMap<Integer, Level> levels = new TreeMap<>((a, b) -> Integer.compare(b, a));

    private int waiting;
    private int inFlight;
    private boolean dispatching;
    private boolean dispatchAgain;
    private final AtomicLong dispatched = new AtomicLong();
    private final AtomicLong expiredInQueue = new AtomicLong();
    private final AtomicLong cancelledInQueue = new AtomicLong();
    /** Exponential moving average of a sequence's time in the engine, for retry hints. */
    private volatile double averageSequenceMillis = 1000;

    public Scheduler(Engine engine, SchedulerConfig config) {
        this.engine = engine;
        this.config = config;
    }

    public SchedulerConfig config() {
        return config;
    }

    /** One sequence to schedule. */
    public record Job(SequenceSpec spec, SequenceListener listener) {}

    /**
     * Queues a request's sequences, all or none.
     *
     * @return one handle per job, in order; cancelling one takes it out of the queue or the engine
     * @throws ServerException.Overloaded when the queue has no room for all of them
     */
    public List<SequenceHandle> submit(List<Job> jobs, int priority, String client, Deadline deadline) {
        return submit(jobs, priority, client, deadline, () -> false);
    }

    /**
     * Like {@link #submit(List, int, String, Deadline)}, with {@code abandoned} telling whether the caller
     * has gone (its call was cancelled): such sequences are dropped when their turn comes, without engine
     * work, even before the cancellation itself has reached them.
     */
    public List<SequenceHandle> submit(
            List<Job> jobs, int priority, String client, Deadline deadline, BooleanSupplier abandoned) {
        List<SequenceHandle> handles = new ArrayList<>(jobs.size());
        synchronized (lock) {
            requireRoomLocked(jobs.size());
            Level level = levels.computeIfAbsent(priority, p -> new Level());
            for (Job job : jobs) {
                Queued q = new Queued(job, deadline, abandoned, level, client);
                level.add(client, q);
                handles.add(q);
            }
            waiting += jobs.size();
        }
        dispatch();
        return handles;
    }

    /**
     * Refuses at once a request of {@code sequences} that would not fit now, before any work is spent on it
     * (rendering, tokenizing); {@link #submit} checks again.
     *
     * @throws ServerException.Overloaded when the queue has no room for them
     */
    public void requireRoom(int sequences) {
        synchronized (lock) {
            requireRoomLocked(sequences);
        }
    }

    private void requireRoomLocked(int sequences) {
        // Room = free queue places plus free engine slots (sequences that will start at once).
        int room = config.queueCapacity() - waiting + Math.max(0, engine.slots() - inFlight);
        if (sequences > room) {
            throw new ServerException.Overloaded(
                    "queue full: " + waiting + " sequences waiting (capacity " + config.queueCapacity()
                            + "), request needs " + sequences,
                    retryAfterMillis());
        }
    }

    /** Sequences waiting for a slot. */
    public int waitingSequences() {
        synchronized (lock) {
            return waiting;
        }
    }

    /** Sequences handed to the engine and not finished. */
    public int runningSequences() {
        synchronized (lock) {
            return inFlight;
        }
    }

    /** Sequences handed to the engine since start. */
    public long dispatchedSequences() {
        return dispatched.get();
    }

    /** Sequences dropped from the queue because their deadline passed or their caller left before they could start. */
    public long expiredInQueue() {
        return expiredInQueue.get();
    }

    /**
     * Sequences that left the queue without engine work: expired at their turn, or cancelled while waiting.
     * Every submitted sequence is eventually counted either here or in {@link #dispatchedSequences()}.
     */
    public long droppedInQueue() {
        return expiredInQueue.get() + cancelledInQueue.get();
    }

    /** How long a caller refused now should wait: the queue ahead drained at the recent pace. */
    private long retryAfterMillis() {
        double rounds = (double) (waiting + 1) / engine.slots();
        return Math.max(50, Math.round(rounds * averageSequenceMillis));
    }

    private void dispatch() {
        List<Queued> expired = new ArrayList<>();
        List<Queued> toStart = new ArrayList<>();
        synchronized (lock) {
            if (dispatching) {
                dispatchAgain = true;
                return;
            }
            dispatching = true;
        }
        try {
            while (true) {
                synchronized (lock) {
                    while (inFlight + toStart.size() < engine.slots()) {
                        Queued q = pollNext();
                        if (q == null) {
                            break;
                        }
                        if ((q.deadline != null && q.deadline.isExpired()) || q.abandoned.getAsBoolean()) {
                            expired.add(q);
                        } else {
                            toStart.add(q);
                        }
                    }
                    inFlight += toStart.size();
                }
                for (Queued q : expired) {
                    expiredInQueue.incrementAndGet();
                    q.job.listener().onFinish(new SequenceResult(FinishReason.CANCELLED, 0, 0, null));
                }
                for (Queued q : toStart) {
                    dispatched.incrementAndGet();
                    q.start();
                }
                expired.clear();
                toStart.clear();
                synchronized (lock) {
                    if (!dispatchAgain) {
                        dispatching = false;
                        return;
                    }
                    dispatchAgain = false;
                }
            }
        } catch (RuntimeException e) {
            synchronized (lock) {
                dispatching = false;
            }
            throw e;
        }
    }

    /** Under the lock: the next sequence by priority, then client round-robin. */
    private Queued pollNext() {
        while (!levels.isEmpty()) {
            Map.Entry<Integer, Level> top = levels.firstEntry();
            Queued q = top.getValue().poll();
            if (q == null) {
                levels.pollFirstEntry();
                continue;
            }
            waiting--;
            q.state = State.STARTING;
            return q;
        }
        return null;
    }

    private void finished(long engineMillis) {
        averageSequenceMillis = 0.9 * averageSequenceMillis + 0.1 * engineMillis;
        synchronized (lock) {
            inFlight--;
        }
        dispatch();
    }

    private enum State {
        QUEUED,
        STARTING,
        CANCELLED
    }

    /**
     * The clients of one priority, served in turn one sequence at a time. Each client carries a virtual
     * time tag (sequences served); the lowest tag goes next, and a client that becomes active starts at
     * the level's current virtual time, so a newcomer goes before a client that has just been served
     * and nobody can bank turns while idle.
     */
    private static final class Level {
        private final Map<String, ClientQueue> active = new LinkedHashMap<>();
        private long virtualTime;

        private static final class ClientQueue {
            final ArrayDeque<Queued> queue = new ArrayDeque<>();
            long tag;
        }

        void add(String client, Queued q) {
            ClientQueue c = active.get(client);
            if (c == null) {
                c = new ClientQueue();
                c.tag = virtualTime;
                active.put(client, c);
            }
            c.queue.addLast(q);
        }

        Queued poll() {
            Map.Entry<String, ClientQueue> next = null;
            for (Map.Entry<String, ClientQueue> e : active.entrySet()) {
                if (next == null || e.getValue().tag < next.getValue().tag) {
                    next = e;
                }
            }
            if (next == null) {
                return null;
            }
            ClientQueue c = next.getValue();
            virtualTime = c.tag;
            c.tag++;
            Queued q = c.queue.pollFirst();
            if (c.queue.isEmpty()) {
                active.remove(next.getKey());
            }
            return q;
        }

        boolean remove(String client, Queued q) {
            ClientQueue c = active.get(client);
            if (c == null || !c.queue.remove(q)) {
                return false;
            }
            if (c.queue.isEmpty()) {
                active.remove(client);
            }
            return true;
        }
    }

    /** A sequence in the queue, then in the engine. */
    private final class Queued implements SequenceHandle, SequenceListener {
        final Job job;
        final Deadline deadline;
        final BooleanSupplier abandoned;
        final Level level;
        final String client;
        State state = State.QUEUED;
        volatile SequenceHandle engineHandle;
        volatile boolean cancelled;
        long startNanos;

        Queued(Job job, Deadline deadline, BooleanSupplier abandoned, Level level, String client) {
            this.job = job;
            this.deadline = deadline;
            this.abandoned = abandoned;
            this.level = level;
            this.client = client;
        }

        void start() {
            startNanos = System.nanoTime();
            engineHandle = engine.submit(job.spec(), this);
            if (cancelled) {
                engineHandle.cancel();
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            boolean removed;
            synchronized (lock) {
                removed = state == State.QUEUED && level.remove(client, this);
                if (removed) {
                    state = State.CANCELLED;
                    waiting--;
                }
            }
            if (removed) {
                cancelledInQueue.incrementAndGet();
                job.listener().onFinish(new SequenceResult(FinishReason.CANCELLED, 0, 0, null));
                return;
            }
            SequenceHandle h = engineHandle;
            if (h != null) {
                h.cancel();
            }
        }

        @Override
        public void onStart() {
            job.listener().onStart();
        }

        @Override
        public void onText(String text, int[] tokenIds) {
            job.listener().onText(text, tokenIds);
        }

        @Override
        public void onText(
                String text, int[] tokenIds, java.util.List<dev.r1serve.server.engine.TokenLogprob> logprobs) {
            job.listener().onText(text, tokenIds, logprobs);
        }

        @Override
        public void onFinish(SequenceResult result) {
            try {
                job.listener().onFinish(result);
            } finally {
                finished(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            }
        }
    }
}
