package dev.r1serve.server.scheduling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import dev.r1serve.server.error.ServerException;
import dev.r1serve.testkit.ScriptedEngine;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SchedulerTest {

    private final List<SequenceResult> finished = new ArrayList<>();

    private Scheduler.Job job(String tag) {
        SequenceSpec spec = SequenceSpec.builder(tag).seed(1).maxTokens(10).build();
        return new Scheduler.Job(spec, new SequenceListener() {
            @Override
            public void onText(String text, int[] tokenIds) {}

            @Override
            public void onFinish(SequenceResult result) {
                synchronized (finished) {
                    finished.add(result);
                }
            }
        });
    }

    private List<Scheduler.Job> jobs(String tag, int n) {
        List<Scheduler.Job> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(job(tag));
        }
        return jobs;
    }

    private static List<String> order(ScriptedEngine engine) {
        return engine.started().stream().map(s -> s.spec().prompt()).toList();
    }

    @Test
    void sequencesGoToTheEngineOnlyWhenASlotIsFree() {
        ScriptedEngine engine = ScriptedEngine.held(2);
        Scheduler s = new Scheduler(engine, SchedulerConfig.defaults());
        s.submit(jobs("a", 5), 0, "c", null);
        assertEquals(2, engine.started().size());
        assertEquals(3, s.waitingSequences());
        engine.finish(0);
        assertEquals(3, engine.started().size());
        assertEquals(2, s.runningSequences());
    }

    @Test
    void higherPriorityRunsFirstAndFifoWithinALevel() {
        ScriptedEngine engine = ScriptedEngine.held(1);
        Scheduler s = new Scheduler(engine, SchedulerConfig.defaults());
        s.submit(jobs("busy", 1), 0, "c", null);
        s.submit(jobs("low1", 1), 0, "c", null);
        s.submit(jobs("high", 1), 5, "c", null);
        s.submit(jobs("low2", 1), 0, "c", null);
        for (int i = 0; i < 3; i++) {
            engine.finish(i);
        }
        assertEquals(List.of("busy", "high", "low1", "low2"), order(engine));
    }

    @Test
    void aBurstOfSixtyFourFromOneClientDoesNotStarveAnother() {
        ScriptedEngine engine = ScriptedEngine.held(1);
        Scheduler s = new Scheduler(engine, SchedulerConfig.defaults());
        s.submit(jobs("burst", 64), 0, "trainer", null);
        s.submit(jobs("single", 1), 0, "app", null);
        engine.finish(0);
        engine.finish(1);
        // One burst sequence was already running; the next turn goes to the other client.
        assertEquals(List.of("burst", "single", "burst"), order(engine));
    }

    @Test
    void aFullQueueRefusesTheWholeRequestAtOnceWithARetryHint() {
        ScriptedEngine engine = ScriptedEngine.held(1);
        Scheduler s = new Scheduler(engine, new SchedulerConfig(8, Duration.ofMinutes(1)));
        s.submit(jobs("a", 1), 0, "c", null); // running: no free slot left
        s.submit(jobs("b", 6), 0, "c", null); // 6 waiting
        ServerException.Overloaded e =
                assertThrows(ServerException.Overloaded.class, () -> s.submit(jobs("c", 3), 0, "c", null));
        assertTrue(e.retryAfterMillis() >= 50, "retry hint " + e.retryAfterMillis());
        assertEquals(6, s.waitingSequences(), "nothing of the refused request was queued");
        s.submit(jobs("d", 2), 0, "c", null); // still fits exactly
        assertEquals(8, s.waitingSequences());
    }

    @Test
    void freeSlotsCountAsRoomSinceTheirSequencesStartAtOnce() {
        ScriptedEngine engine = ScriptedEngine.held(2);
        Scheduler s = new Scheduler(engine, new SchedulerConfig(4, Duration.ofMinutes(1)));
        s.submit(jobs("a", 6), 0, "c", null);
        assertEquals(2, engine.started().size());
        assertEquals(4, s.waitingSequences());
        assertThrows(ServerException.Overloaded.class, () -> s.submit(jobs("b", 1), 0, "c", null));
    }

    @Test
    void aSequenceWhoseDeadlinePassedInTheQueueNeverReachesTheEngine() throws Exception {
        ScriptedEngine engine = ScriptedEngine.held(1);
        Scheduler s = new Scheduler(engine, SchedulerConfig.defaults());
        s.submit(jobs("busy", 1), 0, "c", null);
        s.submit(jobs("late", 2), 0, "c", Deadline.after(10, TimeUnit.MILLISECONDS));
        Thread.sleep(30);
        engine.finish(0);
        assertEquals(List.of("busy"), order(engine));
        assertEquals(2, s.expiredInQueue());
        assertEquals(0, s.waitingSequences());
        assertEquals(
                2,
                finished.stream()
                        .filter(r -> r.reason() == FinishReason.CANCELLED)
                        .count());
    }

    @Test
    void cancellingAQueuedSequenceRemovesItWithoutEngineWork() {
        ScriptedEngine engine = ScriptedEngine.held(1);
        Scheduler s = new Scheduler(engine, SchedulerConfig.defaults());
        s.submit(jobs("busy", 1), 0, "c", null);
        List<SequenceHandle> queued = s.submit(jobs("q", 3), 0, "c", null);
        queued.forEach(SequenceHandle::cancel);
        assertEquals(0, s.waitingSequences());
        assertEquals(3, s.droppedInQueue());
        engine.finish(0);
        assertEquals(List.of("busy"), order(engine));
        assertEquals(
                3,
                finished.stream()
                        .filter(r -> r.reason() == FinishReason.CANCELLED)
                        .count());
    }
}
