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
import dev.r1serve.server.model.HostedModel;
import dev.r1serve.server.model.ModelRegistry;
import dev.r1serve.server.validation.InvalidRequestException;
import dev.r1serve.server.validation.RequestValidator;
import dev.r1serve.server.validation.ValidGenerateRequest;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Arrays;
import java.util.List;

/** Translates the InferenceService protocol onto validation and {@link Generation}. */
public final class InferenceGrpcService extends InferenceServiceGrpc.InferenceServiceImplBase {

    private final ModelRegistry models;
    private final RequestValidator validator;
    private final GenerationMetrics metrics;

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

    @Override
    public void generate(GenerateRequest request, StreamObserver<GenerateResponse> responseObserver) {
        var call = (ServerCallStreamObserver<GenerateResponse>) responseObserver;
        ValidGenerateRequest valid;
        try {
            valid = validator.validate(request);
        } catch (RuntimeException e) {
            call.onError(StatusMapper.toStatusException(e));
            return;
        }
        metrics.onRequest(valid);
        Generation g = Generation.start(valid, new Generation.Observer() {
            @Override
            public void onDelta(int index, String text, int[] tokenIds) {}

            @Override
            public void onSample(Sample sample) {
                metrics.onSample(valid.model().name(), sample);
            }

            @Override
            public void onComplete(List<Sample> samples) {
                if (call.isCancelled()) {
                    return;
                }
                call.onNext(GenerateResponse.newBuilder()
                        .setModel(valid.model().name())
                        .addAllSamples(samples)
                        .setRenderedPrompt(valid.prompt())
                        .build());
                call.onCompleted();
            }
        });
        call.setOnCancelHandler(g::cancel);
        if (call.isCancelled()) {
            g.cancel();
        }
    }

    @Override
    public void generateStream(GenerateRequest request, StreamObserver<GenerateChunk> responseObserver) {
        var call = (ServerCallStreamObserver<GenerateChunk>) responseObserver;
        ValidGenerateRequest valid;
        try {
            valid = validator.validate(request);
        } catch (RuntimeException e) {
            call.onError(StatusMapper.toStatusException(e));
            return;
        }
        metrics.onRequest(valid);
        Object lock = new Object();
        Generation g = Generation.start(valid, new Generation.Observer() {
            @Override
            public void onDelta(int index, String text, int[] tokenIds) {
                GenerateChunk.Builder chunk = GenerateChunk.newBuilder().setIndex(index).setTextDelta(text);
                for (int id : tokenIds) {
                    chunk.addTokenIds(id);
                }
                send(chunk.build());
            }

            @Override
            public void onSample(Sample sample) {
                metrics.onSample(valid.model().name(), sample);
                // The final chunk carries the whole sample minus the text already streamed as deltas.
                send(GenerateChunk.newBuilder().setIndex(sample.getIndex()).setFinal(sample).build());
            }

            @Override
            public void onComplete(List<Sample> samples) {
                synchronized (lock) {
                    if (!call.isCancelled()) {
                        call.onCompleted();
                    }
                }
            }

            private void send(GenerateChunk chunk) {
                synchronized (lock) {
                    if (!call.isCancelled()) {
                        call.onNext(chunk);
                    }
                }
            }
        });
        call.setOnCancelHandler(g::cancel);
        if (call.isCancelled()) {
            g.cancel();
        }
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
            HostedModel model = validator.model(request.getModel());
            String text = switch (request.getInputCase()) {
                case TEXT -> {
                    if (request.getText().length() > RequestValidator.MAX_PROMPT_CHARS) {
                        throw InvalidRequestException.invalid("text",
                                "at most " + RequestValidator.MAX_PROMPT_CHARS + " characters");
                    }
                    yield request.getText();
                }
                case CHAT -> validator.renderChat(request.getChat().getMessagesList(), model,
                        request.hasPrefillThink() ? request.getPrefillThink() : model.template().prefillThinkByDefault());
                case INPUT_NOT_SET -> throw InvalidRequestException.invalid("text", "one of text or chat is required");
            };
            int[] ids = model.engine().tokenize(text);
            responseObserver.onNext(TokenizeResponse.newBuilder()
                    .addAllTokenIds(Arrays.stream(ids).boxed().toList())
                    .setText(text)
                    .build());
            responseObserver.onCompleted();
        } catch (RuntimeException e) {
            responseObserver.onError(StatusMapper.toStatusException(e));
        }
    }
}
