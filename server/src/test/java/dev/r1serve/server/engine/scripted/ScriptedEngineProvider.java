package dev.r1serve.server.engine.scripted;

import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.EngineCapabilities;
import dev.r1serve.server.engine.EngineProvider;
import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double: {@code engine: scripted}, a plug-in engine added the way a third party would add one: this
 * package and a {@code META-INF/services} line, nothing edited elsewhere. Its sequences write one of
 * {@code replies} (picked by seed) a character per step, or with {@code hold} run until cancelled.
 */
public final class ScriptedEngineProvider implements EngineProvider<ScriptedEngineProvider.Options> {

    /** The engine's YAML settings. */
    public record Options(List<String> replies, Integer slots, Integer contextLength, Boolean hold) {}

    @Override
    public String kind() {
        return "scripted";
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    public void validate(String modelName, Options o) {
        if (o.replies() == null || o.replies().isEmpty()) {
            throw new IllegalArgumentException("model '" + modelName + "': replies is required");
        }
    }

    @Override
    public Engine open(String modelName, Options o) {
        validate(modelName, o);
        return new ScriptedEngine(o);
    }

    private static final class ScriptedEngine implements Engine {
        private final Options options;
        private final ExecutorService thread = Executors.newSingleThreadExecutor();
        private final AtomicInteger busy = new AtomicInteger();

        ScriptedEngine(Options options) {
            this.options = options;
        }

        @Override
        public int slots() {
            return options.slots() == null ? 2 : options.slots();
        }

        @Override
        public int contextLength() {
            return options.contextLength() == null ? 64 : options.contextLength();
        }

        @Override
        public EngineCapabilities capabilities() {
            return EngineCapabilities.TEXT_ONLY;
        }

        @Override
        public String source() {
            return "scripted:" + options.replies().size() + " replies";
        }

        @Override
        public String templateHint() {
            return "";
        }

        @Override
        public int[] tokenize(String text) {
            return text.chars().toArray(); // a token per character
        }

        @Override
        public SequenceHandle submit(SequenceSpec spec, SequenceListener listener) {
            String reply = options.replies().get((int) Math.floorMod(spec.seed(), options.replies().size()));
            boolean[] cancelled = new boolean[1];
            busy.incrementAndGet();
            thread.execute(() -> step(spec, listener, reply, 0, cancelled));
            return () -> thread.execute(() -> cancelled[0] = true);
        }

        /** One character per step, as an engine emits a token per step; other sequences interleave. */
        private void step(SequenceSpec spec, SequenceListener listener, String reply, int at, boolean[] cancelled) {
            if (at == 0) {
                listener.onStart();
            }
            int promptTokens = spec.promptTokenIds() == null ? 0 : spec.promptTokenIds().length;
            boolean hold = Boolean.TRUE.equals(options.hold());
            if (cancelled[0]) {
                busy.decrementAndGet();
                listener.onFinish(new SequenceResult(FinishReason.CANCELLED, promptTokens, at, null));
                return;
            }
            int room = Math.min(spec.maxTokens(), contextLength() - promptTokens);
            if (!hold && (at >= reply.length() || at >= room)) {
                busy.decrementAndGet();
                listener.onFinish(new SequenceResult(FinishReason.EOS, promptTokens, at, null));
                return;
            }
            if (!hold) {
                listener.onText(reply.substring(at, at + 1), new int[0]);
            }
            thread.execute(() -> {
                if (hold) {
                    try {
                        Thread.sleep(5);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                step(spec, listener, reply, hold ? at : at + 1, cancelled);
            });
        }

        @Override
        public int busySlots() {
            return busy.get();
        }

        @Override
        public int queuedSequences() {
            return 0;
        }

        @Override
        public boolean isHealthy() {
            return !thread.isShutdown();
        }

        @Override
        public void close() {
            thread.shutdownNow();
        }
    }
}
