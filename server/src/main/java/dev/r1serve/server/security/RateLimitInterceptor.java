package dev.r1serve.server.security;

import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.InferenceServiceGrpc;
import dev.r1serve.server.api.GrpcErrors;
import dev.r1serve.server.error.ServerException;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Applies {@link RateLimits} to InferenceService calls: one request per call when it starts, and n sequences
 * when a GenerateRequest arrives (read from the message, so the service needs no changes). Clients are the
 * authenticated key ({@link ApiKeys#CLIENT_ID}); install this inside the API-key interceptor. On an open
 * server clients are peer addresses.
 */
public final class RateLimitInterceptor implements ServerInterceptor {

    private final RateLimits limits;

    public RateLimitInterceptor(RateLimits limits) {
        this.limits = limits;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!InferenceServiceGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String client = clientId(call);
        try {
            limits.acquireRequest(client);
        } catch (ServerException e) {
            StatusRuntimeException status = GrpcErrors.toStatusException(e);
            call.close(status.getStatus(), status.getTrailers());
            return new ServerCall.Listener<>() {};
        }
        return new SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
            private boolean refused;

            @Override
            public void onMessage(Q message) {
                if (refused) {
                    return;
                }
                if (message instanceof GenerateRequest request) {
                    // Validation runs later; an absent or bad n counts as 1 here and is refused there.
                    int n = request.getSampling().hasN() ? request.getSampling().getN() : 1;
                    try {
                        limits.acquire(client, n);
                    } catch (ServerException e) {
                        StatusRuntimeException status = GrpcErrors.toStatusException(e);
                        refused = true;
                        call.close(status.getStatus(), status.getTrailers());
                        return;
                    }
                }
                super.onMessage(message);
            }

            @Override
            public void onHalfClose() {
                if (!refused) { // the call is closed; the handler must not look for its request
                    super.onHalfClose();
                }
            }
        };
    }

    /** The authenticated key's name, else {@code peer:<address>}. */
    static String clientId(ServerCall<?, ?> call) {
        String key = ApiKeys.CLIENT_ID.get();
        if (key != null) {
            return key;
        }
        SocketAddress peer = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
        if (peer instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return "peer:" + inet.getAddress().getHostAddress();
        }
        return "peer:" + peer;
    }
}
