package dev.r1serve.server.metrics;

import dev.r1serve.proto.v1.InferenceServiceGrpc;
import io.grpc.Context;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts every InferenceService call once, by method and closing gRPC status code
 * ({@code r1_requests_total}). Install it outermost, so calls refused by authentication or rate limits
 * are counted too. Calls the client cancels are never closed by the server; they count as
 * {@code CANCELLED}, or {@code DEADLINE_EXCEEDED} when their deadline passed.
 */
public final class CallMetricsInterceptor implements ServerInterceptor {

    private final Counter requests;

    public CallMetricsInterceptor(PrometheusRegistry registry) {
        requests = Counter.builder().name("r1_requests_total")
                .help("InferenceService calls by method and final gRPC status code.")
                .labelNames("method", "code").register(registry);
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
            ServerCallHandler<Q, R> next) {
        if (!InferenceServiceGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String method = call.getMethodDescriptor().getBareMethodName();
        AtomicBoolean counted = new AtomicBoolean();
        ServerCall<Q, R> counting = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (counted.compareAndSet(false, true)) {
                    requests.labelValues(method, status.getCode().name()).inc();
                }
                super.close(status, trailers);
            }
        };
        return new SimpleForwardingServerCallListener<>(next.startCall(counting, headers)) {
            @Override
            public void onCancel() {
                if (counted.compareAndSet(false, true)) {
                    Context ctx = Context.current();
                    boolean expired = ctx.getDeadline() != null && ctx.getDeadline().isExpired();
                    requests.labelValues(method, (expired ? Status.Code.DEADLINE_EXCEEDED : Status.Code.CANCELLED)
                            .name()).inc();
                }
                super.onCancel();
            }
        };
    }
}
