package dev.r1serve.client;

import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.GenerateResponse;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.Sample;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test double: a real gRPC server on a loopback port whose InferenceService fails or answers as the test
 * scripts it, counting calls. The client is the subject; this server only plays the other side.
 */
final class ScriptedInferenceServer implements AutoCloseable {

    /** What the next call does: fail with a status (and an optional retry hint), or answer. */
    record Step(Status failure, Long retryAfterMs, int chunksBeforeFailure) {
        static Step answer() {
            return new Step(null, null, 0);
        }

        static Step fail(Status status) {
            return new Step(status, null, 0);
        }

        static Step failWithHint(Status status, long retryAfterMs) {
            return new Step(status, retryAfterMs, 0);
        }

        static Step failAfterChunks(Status status, int chunks) {
            return new Step(status, null, chunks);
        }
    }

    final AtomicInteger calls = new AtomicInteger();
    private final Deque<Step> script = new ArrayDeque<>();
    private final String name;
    private final Server server;

    ScriptedInferenceServer(String name) throws IOException {
        this.name = name;
        this.server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new Service())
                .build()
                .start();
    }

    synchronized ScriptedInferenceServer then(Step step) {
        script.addLast(step);
        return this;
    }

    int port() {
        return server.getPort();
    }

    private synchronized Step next() {
        return script.isEmpty() ? Step.answer() : script.pollFirst();
    }

    private Sample sample() {
        return Sample.newBuilder()
                .setIndex(0)
                .setText("from " + name)
                .setAnswer("from " + name)
                .build();
    }

    private static Throwable error(Step step) {
        Metadata trailers = new Metadata();
        if (step.retryAfterMs() != null) {
            trailers.put(dev.r1serve.proto.errors.ErrorDetails.RETRY_AFTER_MS_KEY, Long.toString(step.retryAfterMs()));
        }
        return step.failure().asRuntimeException(trailers);
    }

    private final class Service extends InferenceServiceGrpc.InferenceServiceImplBase {
        @Override
        public void generate(GenerateRequest request, StreamObserver<GenerateResponse> out) {
            calls.incrementAndGet();
            Step step = next();
            if (step.failure() != null) {
                out.onError(error(step));
                return;
            }
            out.onNext(GenerateResponse.newBuilder()
                    .setModel("m")
                    .addSamples(sample())
                    .build());
            out.onCompleted();
        }

        @Override
        public void generateStream(GenerateRequest request, StreamObserver<GenerateChunk> out) {
            calls.incrementAndGet();
            Step step = next();
            for (int i = 0; i < step.chunksBeforeFailure(); i++) {
                out.onNext(GenerateChunk.newBuilder()
                        .setIndex(0)
                        .setTextDelta("tok" + i)
                        .build());
            }
            if (step.failure() != null) {
                out.onError(error(step));
                return;
            }
            out.onNext(
                    GenerateChunk.newBuilder().setIndex(0).setTextDelta("from ").build());
            out.onNext(GenerateChunk.newBuilder().setIndex(0).setFinal(sample()).build());
            out.onCompleted();
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
