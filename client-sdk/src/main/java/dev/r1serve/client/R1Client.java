package dev.r1serve.client;

import dev.r1serve.proto.v1.GenerateChunk;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.GenerateResponse;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.proto.v1.ListModelsRequest;
import dev.r1serve.proto.v1.ModelInfo;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A client of an r1-serve server.
 *
 * <pre>{@code
 * try (R1Client client = R1Client.connect("localhost:50051")) {
 *     GenerateResponse r = client.generate(GenerateRequest.newBuilder()
 *             .setModel("stories260k").setPrompt("Once upon a time").build());
 * }
 * }</pre>
 */
public final class R1Client implements AutoCloseable {

    private final ManagedChannel channel;
    private final InferenceServiceGrpc.InferenceServiceBlockingStub blocking;

    private R1Client(ManagedChannel channel) {
        this.channel = channel;
        this.blocking = InferenceServiceGrpc.newBlockingStub(channel);
    }

    /** Connects in plaintext to {@code target}: {@code host:port} or a gRPC target such as {@code dns:///svc:50051}. */
    public static R1Client connect(String target) {
        return new R1Client(NettyChannelBuilder.forTarget(target)
                .usePlaintext()
                .maxInboundMessageSize(64 << 20)
                .build());
    }

    /** Generates all n samples and returns them together. */
    public GenerateResponse generate(GenerateRequest request) {
        return blocking.generate(request);
    }

    /**
     * Streams the samples' text as it is generated. Abandoning the iterator before its end leaks the call:
     * drain it, or use a cancellable context.
     */
    public Iterator<GenerateChunk> generateStream(GenerateRequest request) {
        return blocking.generateStream(request);
    }

    /** As {@link #generate(GenerateRequest)}, failing with DEADLINE_EXCEEDED (and cancelling the samples) after {@code deadline}. */
    public GenerateResponse generate(GenerateRequest request, Duration deadline) {
        return blocking.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).generate(request);
    }

    /**
     * As {@link #generateStream(GenerateRequest)} with a deadline for the whole call: past it the server cancels
     * the samples and the iterator fails with DEADLINE_EXCEEDED.
     */
    public Iterator<GenerateChunk> generateStream(GenerateRequest request, Duration deadline) {
        return blocking.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS).generateStream(request);
    }

    /** The hosted models. */
    public List<ModelInfo> listModels() {
        return blocking.listModels(ListModelsRequest.getDefaultInstance()).getModelsList();
    }

    /** The underlying channel, for stubs of other services (health, reflection). */
    public ManagedChannel channel() {
        return channel;
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
