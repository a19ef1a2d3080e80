package dev.r1serve.testkit;

import dev.r1serve.server.R1Server;
import dev.r1serve.server.chat.ChatTemplate;
import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelRegistry;
import dev.r1serve.server.scheduling.Scheduler;
import dev.r1serve.server.scheduling.SchedulerConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An {@link Engine} with no model behind it, in one of two modes:
 *
 * <ul>
 *   <li>{@link #held(int)}: a test double whose sequences run until the test {@linkplain #finish(int) finishes}
 *       them; it records what it was given ({@link #started()}).
 *   <li>{@link #instant()}: answers every sequence at once with a short R1-shaped completion whose boxed number
 *       is derived from the prompt and seed (so answers vary and a grader does real work); callbacks come from
 *       one engine thread, as the Engine contract requires. For benchmarks of what runs around a model
 *       ({@code bench eval}, {@code bench distill}).
 * </ul>
 */
public final class ScriptedEngine implements Engine {

    /** A sequence the engine was given, and the listener it reports to. */
    public record Started(SequenceSpec spec, SequenceListener listener) {}

    private static final int INSTANT_CONTEXT = 32768;

    private final List<Started> started = new ArrayList<>();
    private final int slots;
    private final boolean instant;
    private final ExecutorService thread; // the instant mode's engine thread; null when held
    private final AtomicBoolean open = new AtomicBoolean(true);

    private ScriptedEngine(int slots, boolean instant) {
        this.slots = slots;
        this.instant = instant;
        this.thread = instant
                ? Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "instant-engine");
                    t.setDaemon(true);
                    return t;
                })
                : null;
    }

    /** Sequences start at once (on the caller's thread) and run until {@link #finish(int)} or cancellation. */
    public static ScriptedEngine held(int slots) {
        return new ScriptedEngine(slots, false);
    }

    /** Every sequence is answered at once on the engine's thread; 256 slots, nothing recorded. */
    public static ScriptedEngine instant() {
        return new ScriptedEngine(256, true);
    }

    /** A real server on a free loopback port hosting one instant model, "bench", with the DeepSeek-R1 template. */
    public static R1Server serveInstant() throws IOException {
        ScriptedEngine engine = instant();
        ModelRegistry registry = new ModelRegistry()
                .add(new HostedModel(
                        "bench",
                        "instant",
                        engine,
                        ChatTemplate.DEEPSEEK_R1,
                        INSTANT_CONTEXT,
                        new Scheduler(engine, SchedulerConfig.defaults())));
        return R1Server.onPort("127.0.0.1", 0, registry, 64).start();
    }

    @Override
    public dev.r1serve.server.engine.EngineCapabilities capabilities() {
        return dev.r1serve.server.engine.EngineCapabilities.TEXT_ONLY;
    }

    @Override
    public String source() {
        return instant ? "bench" : "scripted";
    }

    @Override
    public String templateHint() {
        return "";
    }

    @Override
    public int slots() {
        return slots;
    }

    @Override
    public int contextLength() {
        return instant ? INSTANT_CONTEXT : 1024;
    }

    @Override
    public int[] tokenize(String text) {
        // Ids do not matter here; instant: about four characters per token, held: one per character.
        return instant ? new int[Math.max(1, text.length() / 4)] : new int[text.length()];
    }

    @Override
    public synchronized SequenceHandle submit(SequenceSpec spec, SequenceListener listener) {
        if (instant) {
            thread.execute(() -> answer(spec, listener));
            return () -> {}; // finished before anyone could cancel it
        }
        Started s = new Started(spec, listener);
        started.add(s);
        listener.onStart();
        return () -> finish(s, FinishReason.CANCELLED);
    }

    private static void answer(SequenceSpec spec, SequenceListener listener) {
        listener.onStart();
        long guess = Math.floorMod(spec.prompt().hashCode() * 31L + spec.seed(), 20);
        String text = "Quick check.\n</think>\n\nThe answer is $\\boxed{" + guess + "}$.";
        listener.onText(text, new int[0]);
        listener.onFinish(
                new SequenceResult(FinishReason.EOS, Math.max(1, spec.prompt().length() / 4), 16, null));
    }

    /** The sequences started so far (held mode), in order. */
    public synchronized List<Started> started() {
        return List.copyOf(started);
    }

    /** Ends the i-th started sequence (held mode). */
    public void finish(int i) {
        Started s;
        synchronized (this) {
            s = started.get(i);
        }
        finish(s, FinishReason.EOS);
    }

    private void finish(Started s, FinishReason reason) {
        s.listener().onFinish(new SequenceResult(reason, 1, 1, null));
    }

    @Override
    public int busySlots() {
        return 0;
    }

    @Override
    public int queuedSequences() {
        return 0;
    }

    @Override
    public boolean isHealthy() {
        return open.get();
    }

    @Override
    public void close() {
        open.set(false);
        if (thread != null) {
            thread.shutdownNow();
        }
    }
}
