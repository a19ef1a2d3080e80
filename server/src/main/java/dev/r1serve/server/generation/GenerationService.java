package dev.r1serve.server.generation;

import dev.r1serve.server.chat.ChatPrompt;
import dev.r1serve.server.engine.Engine;
import dev.r1serve.server.engine.EngineUnavailableException;
import dev.r1serve.server.error.ServerException;
import dev.r1serve.server.metrics.GenerationMetrics;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelRegistry;
import io.grpc.Deadline;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The one way into generation, for every front: takes a validated {@link GenerationRequest}, renders and
 * tokenizes its prompt off the caller's thread (a remote tokenizer blocks), checks it against the
 * context, queues its samples with the model's scheduler, applies the model's default timeout to calls
 * that come without a deadline, reports metrics, and while draining sends calls that have not started
 * elsewhere. Refusals reach the observer as {@link Generation.Observer#onError}.
 */
public final class GenerationService implements AutoCloseable {

    /** Who asks and until when; {@code deadline} null means the model's default timeout. */
    public record Caller(String client, Deadline deadline, BooleanSupplier abandoned) {
        public Caller {
            abandoned = abandoned == null ? () -> false : abandoned;
        }

        public static Caller of(String client, Deadline deadline) {
            return new Caller(client, deadline, () -> false);
        }
    }

    private final ModelRegistry models;
    private final GenerationMetrics metrics;
    /** Rendering and tokenizing, which may block on a remote backend; one virtual thread per request. */
    private final ExecutorService preparation = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("r1-prepare-", 0).factory());
    /** Fires default timeouts; the work it runs is a cancel and an error report. */
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("r1-default-timeout").daemon().factory());

    private final Set<Generation> active = ConcurrentHashMap.newKeySet();
    private volatile boolean draining;

    public GenerationService(ModelRegistry models, GenerationMetrics metrics) {
        this.models = models;
        this.metrics = metrics;
    }

    public ModelRegistry models() {
        return models;
    }

    /** The hosted model of that name. */
    public HostedModel model(String name) {
        return models.find(name).orElseThrow(() -> new ServerException.ModelNotFound(abbreviate(name)));
    }

    /** Runs work that may block (tokenizing on a remote backend) on a virtual thread. */
    java.util.concurrent.Executor blockingExecutor() {
        return preparation;
    }

    /** The deadline of calls to {@code model} that come without one. */
    public Duration defaultTimeout(String model) {
        return model(model).scheduler().config().defaultTimeout();
    }

    /**
     * Starts a generation and returns at once; its output and any refusal go to {@code observer}, from
     * other threads.
     */
    public Generation submit(GenerationRequest request, Caller caller, Generation.Observer observer) {
        Tracked tracked = new Tracked(request.model(), observer);
        Generation g = new Generation(request, tracked);
        tracked.generation = g;
        if (draining) {
            g.fail(new ServerException.Draining());
            return g;
        }
        HostedModel model;
        try {
            model = model(request.model());
            metrics.onRequest(model.name(), request.n(), request.sampling().maxTokens());
            model.scheduler().requireRoom(request.n()); // a full queue refuses before any work is spent
        } catch (ServerException e) {
            g.fail(e);
            return g;
        }
        active.add(g);
        Deadline deadline = caller.deadline();
        if (deadline == null) {
            deadline =
                    Deadline.after(model.scheduler().config().defaultTimeout().toNanos(), TimeUnit.NANOSECONDS);
            tracked.timer = timer.schedule(
                    () -> g.fail(
                            new ServerException.DeadlineExceeded("the call ran past the server's default timeout")),
                    deadline.timeRemaining(TimeUnit.NANOSECONDS),
                    TimeUnit.NANOSECONDS);
            if (g.ended()) {
                tracked.timer.cancel(false);
            }
        }
        Deadline until = deadline;
        preparation.execute(() -> {
            try {
                PreparedPrompt prompt = prepare(model, request.input());
                if (!g.ended()) {
                    g.schedule(model, prompt, caller.client(), until, caller.abandoned(), preparation);
                }
            } catch (ServerException e) {
                g.fail(e);
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(GenerationService.class.getName())
                        .log(java.util.logging.Level.SEVERE, "preparing a request failed", e);
                g.fail(new ServerException.BackendUnavailable("model '" + model.name() + "': " + e));
            }
        });
        return g;
    }

    /** Renders and counts {@code input} as model {@code model} will see it; may block (remote tokenizers). */
    public CompletableFuture<PreparedPrompt> prepare(String model, GenerationRequest.Input input) {
        HostedModel m = model(model);
        return CompletableFuture.supplyAsync(() -> render(m, input, false), preparation);
    }

    /**
     * The prompt rendered, tokenized and checked against the context.
     *
     * @throws ServerException.PromptTooLong when it does not leave room for one generated token
     */
    PreparedPrompt prepare(HostedModel model, GenerationRequest.Input input) {
        PreparedPrompt p = render(model, input, true);
        int context = model.engine().contextLength();
        if (p.tokenCount() >= context) {
            throw new ServerException.PromptTooLong(input.field(), model.name(), p.tokenCount(), context);
        }
        return p;
    }

    /**
     * The input as the engine sees it. For generation the ids are what the context check counts (null where the
     * backend counts on its side); otherwise (Tokenize) text is tokenized as given, a chat as the model sees it.
     */
    private static PreparedPrompt render(HostedModel model, GenerationRequest.Input input, boolean forGeneration) {
        Engine engine = model.engine();
        ChatPrompt rendered;
        switch (input) {
            case GenerationRequest.TokenIds t -> {
                return new PreparedPrompt(ChatPrompt.raw(""), t.ids(), false); // used as they are: nothing to render
            }
            case GenerationRequest.Prompt p -> rendered = ChatPrompt.raw(p.text());
            case GenerationRequest.Chat c -> rendered = renderChat(model, c);
        }
        boolean thinkPrefilled = input instanceof GenerationRequest.Chat c && c.prefillThink();
        int[] ids;
        try {
            if (forGeneration) {
                // Markers only where the template wrote them, BOS once.
                ids = engine.countsPrompts() ? engine.tokenize(rendered) : null;
            } else {
                ids = input instanceof GenerationRequest.Prompt p
                        ? engine.tokenize(p.text())
                        : engine.tokenize(rendered);
            }
        } catch (EngineUnavailableException e) {
            throw new ServerException.BackendUnavailable(e.getMessage());
        }
        return new PreparedPrompt(rendered, ids, thinkPrefilled);
    }

    private static ChatPrompt renderChat(HostedModel model, GenerationRequest.Chat c) {
        try {
            return model.template()
                    .render(c.turns(), c.prefillThink(), model.engine().specialTokens());
        } catch (IllegalArgumentException e) {
            // raise_exception in the model's template (e.g. roles that do not alternate), or a render error.
            throw new ServerException.InvalidField(
                    "chat.messages",
                    "model '" + model.name() + "': its chat template ("
                            + model.template().id() + ") refused the messages: " + e.getMessage());
        }
    }

    /**
     * From now on new generations are refused with DRAINING (UNAVAILABLE), and those whose samples have
     * not reached an engine yet end so at once, so their callers retry on another replica; running ones go on.
     */
    public void stopAdmitting() {
        draining = true;
        for (Generation g : active) {
            if (!g.anyStarted()) {
                g.fail(new ServerException.Draining());
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        preparation.shutdownNow();
    }

    /** Counts finished samples in the metrics, and forgets the generation (and its timer) once it ends. */
    private final class Tracked implements Generation.Observer {
        private final String model;
        private final Generation.Observer inner;
        volatile Generation generation;
        volatile ScheduledFuture<?> timer;

        Tracked(String model, Generation.Observer inner) {
            this.model = model;
            this.inner = inner;
        }

        @Override
        public void onPrepared(PreparedPrompt prompt) {
            inner.onPrepared(prompt);
        }

        @Override
        public void onQueued() {
            inner.onQueued();
        }

        @Override
        public void onDelta(int index, String text, int[] tokenIds) {
            inner.onDelta(index, text, tokenIds);
        }

        @Override
        public void onDelta(
                int index, String text, int[] tokenIds, List<dev.r1serve.server.engine.TokenLogprob> logprobs) {
            inner.onDelta(index, text, tokenIds, logprobs);
        }

        @Override
        public void onSample(dev.r1serve.proto.v1.Sample sample) {
            metrics.onSample(model, sample);
            inner.onSample(sample);
        }

        @Override
        public void onComplete(List<dev.r1serve.proto.v1.Sample> samples) {
            ended();
            inner.onComplete(samples);
        }

        @Override
        public void onError(ServerException error) {
            ended();
            inner.onError(error);
        }

        private void ended() {
            active.remove(generation);
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
