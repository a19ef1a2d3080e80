package dev.r1serve.server.api;

import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.GenerateResponse;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.ListModelsRequest;
import dev.r1serve.proto.v1.ListModelsResponse;
import dev.r1serve.proto.v1.ModelInfo;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.TokenizeRequest;
import dev.r1serve.proto.v1.TokenizeResponse;
import dev.r1serve.server.generation.Generation;
import dev.r1serve.server.metrics.GenerationMetrics;
import dev.r1serve.server.chat.ChatPrompt;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelRegistry;
import dev.r1serve.server.validation.InvalidRequestException;
import dev.r1serve.server.validation.RequestValidator;
import dev.r1serve.server.validation.ValidGenerateRequest;
import dev.r1serve.server.scheduling.ClientId;
import io.grpc.Context;
import io.grpc.Deadline;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/** Translates the InferenceService protocol onto validation and {@link Generation}. */
public final class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {

    /** Fires default timeouts; the work it runs is a cancel and a status write. */
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("r1-default-timeout").daemon().factory());

    private final ModelRegistry models;
    private final RequestValidator validator;
    private final GenerationMetrics metrics;
    private volatile boolean draining;

    /** A service whose generation metrics go to a registry of its own, which nothing exports. */
    public InferenceGrpcService(ModelRegistry models, RequestValidator validator) {
        this(models, validator, new GenerationMetrics(new PrometheusRegistry()));
    }

    /** A service that reports requests and finished samples to {@code metrics}. */
    public InferenceGrpcService(ModelRegistry models, RequestValidator validator, GenerationMetrics metrics) {
        this.models = models;
        this.validator = validator;
        this.metrics = metrics;
    }

    /** The definition to register: request bytes that do not parse are answered as INVALID_ARGUMENT. */
    public io.grpc.ServerServiceDefinition lenientDefinition() {
        return LenientRequests.lenient(bindService());
    }

    /** From now on new generations are refused with UNAVAILABLE; running ones go on. */
    public void stopAdmitting() {
        draining = true;
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responseObserver) {
        var call = (ServerCallStreamObserver<GenerateResponse>) responseObserver;
        AtomicBoolean answered = new AtomicBoolean();
        begin(request, call, () -> {
            if (answered.compareAndSet(false, true) && !call.isCancelled()) {
                call.onError(defaultTimeoutStatus());
            }
        }, valid -> new Generation.Observer() {
            @Override
            public void onDelta(int index, String text, int[] tokenIds) {}

            @Override
            public void onSample(Sample sample) {}

            @Override
            public void onComplete(List<Sample> samples) {
                if (answered.compareAndSet(false, true) && !call.isCancelled()) {
                    call.onNext(GenerateResponse.newBuilder()
                            .setModel(valid.model().name())
                            .addAllSamples(samples)
                            .setRenderedPrompt(valid.prompt())
                            .build());
                    call.onCompleted();
                }
            }
        });
    }

    @Override
    public void generateStream(GenerateRequest request, StreamObserver<GenerateChunk> responseObserver) {
        var call = (ServerCallStreamObserver<GenerateChunk>) responseObserver;
        Generation[] generation = new Generation[1];
        StreamSender sender = new StreamSender(call, () -> generation[0].cancel());
        generation[0] = begin(request, call, sender::timeout, valid -> new Generation.Observer() {
            @Override
            public void onDelta(int index, String text, int[] tokenIds) {
                sender.delta(index, text, tokenIds);
            }

            @Override
            public void onSample(Sample sample) {
                sender.sampleDone(GenerateChunk.newBuilder().setIndex(sample.getIndex()).setFinal(sample).build());
            }

            @Override
            public void onComplete(List<Sample> samples) {
                sender.complete();
            }
        });
    }

    /**
     * Validates, queues and ties the generation to the call's life: cancellation or the call's deadline
     * cancel it; a call without a deadline gets the model's default timeout ({@code onDefaultTimeout}).
     * Refusals are answered here; then null is returned.
     */
    private Generation begin(GenerateRequest request, ServerCallStreamObserver<?> call, Runnable onDefaultTimeout,
                             Function<ValidGenerateRequest, Generation.Observer> observer) {
        Generation g;
        try {
            if (draining) {
                throw Status.UNAVAILABLE.withDescription("server is draining: retry on another replica").asRuntimeException();
            }
            LenientRequests.requireParsed(request);
            ValidGenerateRequest valid = validator.validate(request);
            metrics.onRequest(valid);
            Context context = Context.current();
            Deadline deadline = context.getDeadline();
            boolean ownDeadline = deadline == null;
            if (ownDeadline) {
                long nanos = valid.model().scheduler().config().defaultTimeout().toNanos();
                deadline = Deadline.after(nanos, TimeUnit.NANOSECONDS);
            }
            // gRPC cancels the call's context on the network thread as soon as the client leaves, before the
            // cancel handler runs: queued sequences of a departed caller are then skipped at once.
            g = Generation.start(valid, measured(valid, observer.apply(valid)), ClientId.current(), deadline,
                    context::isCancelled);
            if (ownDeadline) {
                Generation started = g;
                ScheduledFuture<?> timer = TIMER.schedule(() -> {
                    started.cancel();
                    onDefaultTimeout.run();
                }, deadline.timeRemaining(TimeUnit.NANOSECONDS), TimeUnit.NANOSECONDS);
                context.addListener(c -> timer.cancel(false), Runnable::run);
            }
        } catch (RuntimeException e) {
            call.onError(StatusMapper.toStatusException(e));
            return null;
        }
        call.setOnCancelHandler(g::cancel);
        if (call.isCancelled()) {
            g.cancel();
        }
        return g;
    }

    /** Reports each finished sample to the metrics before the call's own observer sees it. */
    private Generation.Observer measured(ValidGenerateRequest valid, Generation.Observer inner) {
        return new Generation.Observer() {
            @Override
            public void onDelta(int index, String text, int[] tokenIds) {
                inner.onDelta(index, text, tokenIds);
            }

            @Override
            public void onSample(Sample sample) {
                metrics.onSample(valid.model().name(), sample);
                inner.onSample(sample);
            }

            @Override
            public void onComplete(List<Sample> samples) {
                inner.onComplete(samples);
            }
        };
    }

    static io.grpc.StatusRuntimeException defaultTimeoutStatus() {
        return Status.DEADLINE_EXCEEDED.withDescription("the call ran past the server's default timeout").asRuntimeException();
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> responseObserver) {
        ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
        for (HostedModel m : models.all()) {
            b.addModels(ModelInfo.newBuilder()
                    .setName(m.name())
                    .setEngine(m.engine().kind())
                    .setTemplate(m.template().id())
                    .setContextLength(m.engine().contextLength())
                    .setSlots(m.engine().slots())
                    .setSource(m.source()));
        }
        responseObserver.onNext(b.build());
        responseObserver.onCompleted();
    }

    @Override
    public void tokenize(TokenizeRequest request, StreamObserver<TokenizeResponse> responseObserver) {
        try {
            LenientRequests.requireParsed(request);
            HostedModel model = validator.model(request.getModel());
            ChatPrompt prompt = switch (request.getInputCase()) {
                case TEXT -> {
                    if (request.getText().length() > RequestValidator.MAX_PROMPT_CHARS) {
                        throw InvalidRequestException.invalid("text",
                                "at most " + RequestValidator.MAX_PROMPT_CHARS + " characters");
                    }
                    yield ChatPrompt.raw(request.getText());
                }
                case CHAT -> validator.renderChat(request.getChat().getMessagesList(), model,
                        request.hasPrefillThink() ? request.getPrefillThink() : model.template().prefillThinkByDefault());
                case INPUT_NOT_SET -> throw InvalidRequestException.invalid("text", "one of text or chat is required");
            };
            // Text is tokenized as given; a chat as the model sees it (markers only where the template wrote them, BOS once).
            int[] ids = request.hasChat() ? model.engine().tokenize(prompt) : model.engine().tokenize(prompt.text());
            responseObserver.onNext(TokenizeResponse.newBuilder()
                    .addAllTokenIds(Arrays.stream(ids).boxed().toList())
                    .setText(prompt.text())
                    .build());
            responseObserver.onCompleted();
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapper.toStatusException(e));
        }
    }
}
