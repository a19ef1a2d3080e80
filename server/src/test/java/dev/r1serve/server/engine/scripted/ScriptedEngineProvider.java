package dev.r1serve.server.engine.scripted;

import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.EngineCapabilities;
import dev.r1serve.server.engine.EngineProvider;
import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.SequenceHandle;
import dev.r1serve.server.engine.SequenceListener;
import dev.r1serve.server.engine.SequenceResult;
import dev.r1serve.server.engine.SequenceSpec;
import dev.r1serve.server.engine.TokenLogprob;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double: {@code engine: scripted}, a plug-in engine added the way a third party would add one: this
 * package and a {@code META-INF/services} line, nothing edited elsewhere. Its sequences write one of
 * {@code replies} (picked by seed) a character per step, or with {@code hold} run until cancelled. With
 * {@code tokens} a token is a character: ids are char codes (vocabulary 256), prompts may be ids, and each
 * token's logprob is -0.25 with one alternative (id 0, -2); a prompt that ends with {@code </think>\n\n}
 * (the server closing a reasoning) gets {@code answer} instead of a reply.
 */
public final class ScriptedEngineProvider implements EngineProvider<ScriptedEngineProvider.Options> {

    /** The engine's YAML settings. */
    public record Options(
            List<String> replies, Integer slots, Integer contextLength, Boolean hold, Boolean tokens, String answer) {}

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
            return Boolean.TRUE.equals(options.tokens())
                    ? new EngineCapabilities(false, true, true, true, false)
                            .withLogprobs(EngineCapabilities.PROCESSED_LOGPROBS, 1)
                    : EngineCapabilities.TEXT_ONLY;
        }

        @Override
        public int vocabularySize() {
            return Boolean.TRUE.equals(options.tokens()) ? 256 : -1;
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
            String prompt = spec.tokenPrompt()
                    ? new String(spec.promptTokenIds(), 0, spec.promptTokenIds().length)
                    : spec.prompt();
            String reply = options.answer() != null && prompt.endsWith("</think>\n\n")
                    ? options.answer()
                    : options.replies().get((int)
                            Math.floorMod(spec.seed(), options.replies().size()));
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
                String piece = reply.substring(at, at + 1);
                if (Boolean.TRUE.equals(options.tokens())) {
                    int id = piece.charAt(0);
                    listener.onText(
                            piece,
                            spec.returnTokenIds() ? new int[] {id} : new int[0],
                            spec.returnLogprobs()
                                    ? List.of(new TokenLogprob(
                                            id,
                                            -0.25f,
                                            spec.topLogprobs() > 0 ? List.of(new TokenLogprob.Top(0, -2f)) : List.of()))
                                    : List.of());
                } else {
                    listener.onText(piece, new int[0]);
                }
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
