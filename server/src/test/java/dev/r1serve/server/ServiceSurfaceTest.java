package dev.r1serve.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.r1serve.proto.v1.ListModelsRequest;
import dev.r1serve.proto.v1.ModelInfo;
import dev.r1serve.proto.v1.TokenizeRequest;
import dev.r1serve.proto.v1.TokenizeResponse;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** ListModels, Tokenize, grpc.health.v1 and server reflection, as a client sees them. */
class ServiceSurfaceTest {

    @Test
    void listModelsDescribesTheHostedModel() {
        List<ModelInfo> models = TestServer.stub()
                .listModels(ListModelsRequest.getDefaultInstance())
                .getModelsList();
        assertEquals(1, models.size());
        ModelInfo m = models.get(0);
        assertEquals(TestServer.STORIES, m.getName());
        assertEquals("llama.cpp", m.getEngine());
        assertEquals("plain", m.getTemplate()); // no template of its own: the plain one
        assertEquals(512, m.getContextLength());
        assertEquals(4, m.getSlots());
    }

    @Test
    void tokenizeUsesTheModelsTokenizer() {
        TokenizeResponse r = TestServer.stub()
                .tokenize(TokenizeRequest.newBuilder()
                        .setModel(TestServer.STORIES)
                        .setText(" Once upon")
                        .build());
        // SentencePiece adds a leading space: "▁" (410), then "▁Once" (403), "▁upon" (407).
        assertEquals(List.of(410, 403, 407), r.getTokenIdsList());
    }

    @Test
    void healthIsServingOverallPerModelAndPerServiceName() {
        var health = HealthGrpc.newBlockingStub(TestServer.channel());
        for (String service : List.of("", TestServer.STORIES, "r1.v1.InferenceService")) {
            assertEquals(
                    HealthCheckResponse.ServingStatus.SERVING,
                    health.check(HealthCheckRequest.newBuilder()
                                    .setService(service)
                                    .build())
                            .getStatus());
        }
    }

    @Test
    void reflectionListsTheInferenceService() throws Exception {
        CompletableFuture<ServerReflectionResponse> answer = new CompletableFuture<>();
        var requests = ServerReflectionGrpc.newStub(TestServer.channel()).serverReflectionInfo(new StreamObserver<>() {
            @Override
            public void onNext(ServerReflectionResponse r) {
                answer.complete(r);
            }

            @Override
            public void onError(Throwable t) {
                answer.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {}
        });
        requests.onNext(
                ServerReflectionRequest.newBuilder().setListServices("*").build());
        List<String> services = answer.get(10, TimeUnit.SECONDS).getListServicesResponse().getServiceList().stream()
                .map(s -> s.getName())
                .toList();
        requests.onCompleted();
        assertTrue(
                services.containsAll(List.of("r1.v1.InferenceService", "grpc.health.v1.Health")), services.toString());
    }

    /** Older grpcurl, Postman and Evans speak only v1alpha; it must not answer UNIMPLEMENTED. */
    @Test
    void reflectionAlsoAnswersTheV1alphaProtocol() throws Exception {
        CompletableFuture<io.grpc.reflection.v1alpha.ServerReflectionResponse> answer = new CompletableFuture<>();
        var requests = io.grpc.reflection.v1alpha.ServerReflectionGrpc.newStub(TestServer.channel())
                .serverReflectionInfo(new StreamObserver<>() {
                    @Override
                    public void onNext(io.grpc.reflection.v1alpha.ServerReflectionResponse r) {
                        answer.complete(r);
                    }

                    @Override
                    public void onError(Throwable t) {
                        answer.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        requests.onNext(io.grpc.reflection.v1alpha.ServerReflectionRequest.newBuilder()
                .setFileContainingSymbol("r1.v1.InferenceService")
                .build());
        var files = answer.get(10, TimeUnit.SECONDS).getFileDescriptorResponse().getFileDescriptorProtoList();
        requests.onCompleted();
        assertTrue(
                files.stream()
                        .map(b -> {
                            try {
                                return com.google.protobuf.DescriptorProtos.FileDescriptorProto.parseFrom(b)
                                        .getName();
                            } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                                throw new IllegalStateException(e);
                            }
                        })
                        .anyMatch(n -> n.endsWith("inference.proto")),
                files.toString());
    }
}
