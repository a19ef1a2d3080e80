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
import dev.r1serve.server.error.ServerException;
import dev.r1serve.server.generation.Generation;
import dev.r1serve.server.generation.GenerationRequest;
import dev.r1serve.server.generation.GenerationService;
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.scheduling.ClientId;
import dev.r1serve.server.validation.RequestValidator;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Translates the InferenceService protocol onto validation and the {@link GenerationService}: requests
 * are validated here (cheap, on the callback thread), everything else happens in the service, and its
 * refusals come back as {@link GrpcErrors statuses}.
 */
public final class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {

    private final GenerationService generations;
    private final RequestValidator validator;

    public InferenceGrpcService(GenerationService generations, RequestValidator validator) {
        this.generations = generations;
        this.validator = validator;
    }

    /** The definition to register: request bytes that do not parse are answered as INVALID_ARGUMENT. */
    public io.grpc.ServerServiceDefinition lenientDefinition() {
        return LenientRequests.lenient(bindService());
    }

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responseObserver) {
        var call = (ServerCallStreamObserver<GenerateResponse>) responseObserver;
        AtomicBoolean answered = new AtomicBoolean();
        begin(
                request,
                call,
                new Generation.Observer() {
                    private volatile String renderedPrompt = "";

                    @Override
                    public void onPrepared(dev.r1serve.server.generation.PreparedPrompt prompt) {
                        renderedPrompt = prompt.text();
                    }

                    @Override
                    public void onDelta(int index, String text, int[] tokenIds) {}

                    @Override
                    public void onSample(Sample sample) {}

                    @Override
                    public void onComplete(List<Sample> samples) {
                        if (answered.compareAndSet(false, true) && !call.isCancelled()) {
                            call.onNext(GenerateResponse.newBuilder()
                                    .setModel(request.getModel())
                                    .addAllSamples(samples)
                                    .setRenderedPrompt(renderedPrompt)
                                    .build());
                            call.onCompleted();
                        }
                    }

                    @Override
                    public void onError(ServerException error) {
                        if (answered.compareAndSet(false, true) && !call.isCancelled()) {
                            call.onError(GrpcErrors.toStatusException(error));
                        }
                    }
                },
                new Generation[1]);
    }

    @Override
    public void generateStream(GenerateRequest request, StreamObserver<GenerateChunk> responseObserver) {
        var call = (ServerCallStreamObserver<GenerateChunk>) responseObserver;
        Generation[] generation = new Generation[1];
        StreamSender sender = new StreamSender(call, () -> {
            if (generation[0] != null) {
                generation[0].cancel();
            }
        });
        begin(
                request,
                call,
                new Generation.Observer() {
                    @Override
                    public void onDelta(int index, String text, int[] tokenIds) {
                        sender.delta(index, text, tokenIds);
                    }

                    @Override
                    public void onDelta(
                            int index,
                            String text,
                            int[] tokenIds,
                            List<dev.r1serve.server.engine.TokenLogprob> logprobs) {
                        sender.delta(
                                index,
                                text,
                                tokenIds,
                                logprobs.stream().map(Generation::toProto).toList());
                    }

                    @Override
                    public void onSample(Sample sample) {
                        sender.sampleDone(GenerateChunk.newBuilder()
                                .setIndex(sample.getIndex())
                                .setFinal(sample)
                                .build());
                    }

                    @Override
                    public void onComplete(List<Sample> samples) {
                        sender.complete();
                    }

                    @Override
                    public void onError(ServerException error) {
                        sender.fail(GrpcErrors.toStatusException(error));
                    }
                },
                generation);
    }

    /**
     * Validates and submits, and ties the generation to the call's life: cancellation or the call's
     * deadline cancel it; a call without a deadline gets the model's default timeout (in the service).
     */
    private void begin(
            GenerateRequest request,
            ServerCallStreamObserver<?> call,
            Generation.Observer observer,
            Generation[] started) {
        GenerationRequest valid;
        try {
            LenientRequests.requireParsed(request);
            valid = validator.validate(request);
        } catch (RuntimeException e) {
            call.onError(GrpcErrors.toStatusException(e));
            return;
        }
        Context context = Context.current();
        // gRPC cancels the call's context on the network thread as soon as the client leaves, before the
        // cancel handler runs: queued sequences of a departed caller are then skipped at once.
        Generation g = generations.submit(
                valid,
                new GenerationService.Caller(ClientId.current(), context.getDeadline(), context::isCancelled),
                observer);
        started[0] = g;
        call.setOnCancelHandler(g::cancel);
        if (call.isCancelled()) {
            g.cancel();
        }
    }

    @Override
    public void listModels(ListModelsRequest request, StreamObserver<ListModelsResponse> responseObserver) {
        ListModelsResponse.Builder b = ListModelsResponse.newBuilder();
        for (HostedModel m : generations.models().all()) {
            b.addModels(ModelInfo.newBuilder()
                    .setName(m.name())
                    .setEngine(m.kind())
                    .setTemplate(m.template().id())
                    .setContextLength(m.engine().contextLength())
                    .setSlots(m.engine().slots())
                    .setSource(m.source())
                    .setCapabilities(capabilities(m)));
        }
        responseObserver.onNext(b.build());
        responseObserver.onCompleted();
    }

    /** What a model's engine can provide, as requests see it (prompt ids as output also need prompts counted here). */
    static dev.r1serve.proto.v1.ModelCapabilities capabilities(HostedModel m) {
        var c = m.engine().capabilities();
        return dev.r1serve.proto.v1.ModelCapabilities.newBuilder()
                .setLogprobs(c.logprobs())
                .setTokenIds(c.tokenIds())
                .setPromptTokenIds(c.promptTokenIds())
                .setPenalties(c.penalties())
                .setLogprobsUnavailableReason(c.logprobsUnavailableReason())
                .build();
    }

    /** Renders and tokenizes off the callback thread: a remote engine's tokenizer is an HTTP call. */
    @Override
    public void tokenize(TokenizeRequest request, StreamObserver<TokenizeResponse> responseObserver) {
        GenerationRequest.Input input;
        try {
            LenientRequests.requireParsed(request);
            HostedModel model = validator.model(request.getModel());
            input = switch (request.getInputCase()) {
                case TEXT -> validator.text("text", request.getText());
                case CHAT ->
                    validator.chat(
                            request.getChat().getMessagesList(),
                            model,
                            request.hasPrefillThink()
                                    ? request.getPrefillThink()
                                    : model.template().prefillThinkByDefault());
                case INPUT_NOT_SET -> throw new ServerException.InvalidField("text", "one of text or chat is required");
            };
        } catch (RuntimeException e) {
            responseObserver.onError(GrpcErrors.toStatusException(e));
            return;
        }
        generations.prepare(request.getModel(), input).whenComplete((prompt, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                responseObserver.onError(GrpcErrors.toStatusException(cause));
                return;
            }
            responseObserver.onNext(TokenizeResponse.newBuilder()
                    .addAllTokenIds(Arrays.stream(prompt.tokenIds()).boxed().toList())
                    .setText(prompt.text())
                    .build());
            responseObserver.onCompleted();
        });
    }
}
