package dev.r1serve.server.metrics;

import dev.r1serve.proto.v1.InferenceServiceGrpc;
import io.grpc.Context;
import io.grpc.ForwardingServerCall.SimpleForwardingServerCall;
import io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerStreamTracer;
import io.grpc.Status;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Counts every InferenceService call once, by front, method and closing gRPC status code
 * ({@code r1_requests_total}). Install it outermost, so calls refused by authentication or rate limits
 * are counted too. Calls the client cancels are never closed by the server; they count as
 * {@code CANCELLED}, or {@code DEADLINE_EXCEEDED} when their deadline passed. The OpenAI HTTP front counts
 * its requests here too ({@link #countHttp}), with {@code front="http"}, so one alert covers both fronts.
 */
public final class CallMetricsInterceptor implements ServerInterceptor {

    private final Counter requests;

    public CallMetricsInterceptor(PrometheusRegistry registry) {
        requests = Counter.builder()
                .name("r1_requests_total")
                .help(
                        "InferenceService calls (gRPC) and OpenAI API requests (HTTP) by front, method and final status code.")
                .labelNames("front", "method", "code")
                .register(registry);
    }

    /**
     * Counts one HTTP request of the OpenAI front: {@code method} is its route, the HTTP status is counted as
     * the gRPC code it corresponds to (400 INVALID_ARGUMENT, 429 RESOURCE_EXHAUSTED, 503 UNAVAILABLE, …).
     */
    public void countHttp(String route, int httpStatus) {
        requests.labelValues("http", route, httpCode(httpStatus).name()).inc();
    }

    /** A client that went away before its answer was written. */
    public void countHttpCancelled(String route) {
        requests.labelValues("http", route, Status.Code.CANCELLED.name()).inc();
    }

    static Status.Code httpCode(int status) {
        return switch (status) {
            case 200 -> Status.Code.OK;
            case 400 -> Status.Code.INVALID_ARGUMENT;
            case 401 -> Status.Code.UNAUTHENTICATED;
            case 403 -> Status.Code.PERMISSION_DENIED;
            case 404 -> Status.Code.NOT_FOUND;
            case 405 -> Status.Code.UNIMPLEMENTED;
            case 413, 429 -> Status.Code.RESOURCE_EXHAUSTED;
            case 503 -> Status.Code.UNAVAILABLE;
            case 504 -> Status.Code.DEADLINE_EXCEEDED;
            default ->
                status < 300 ? Status.Code.OK : status < 500 ? Status.Code.INVALID_ARGUMENT : Status.Code.INTERNAL;
        };
    }

    /**
     * Records the status the transport closed each stream with, so a call grpc-java refuses below the
     * interceptors (an inbound message over the limit: RESOURCE_EXHAUSTED) is not counted as CANCELLED. Add it to
     * the server builder with {@code addStreamTracerFactory}.
     */
    public ServerStreamTracer.Factory transportStatusTracer() {
        return new ServerStreamTracer.Factory() {
            @Override
            public ServerStreamTracer newServerStreamTracer(String fullMethodName, Metadata headers) {
                TransportStatus holder = new TransportStatus();
                return new ServerStreamTracer() {
                    @Override
                    public Context filterContext(Context context) {
                        return context.withValue(TRANSPORT_STATUS, holder);
                    }

                    @Override
                    public void streamClosed(Status status) {
                        holder.status = status;
                    }
                };
            }
        };
    }

    private static final Context.Key<TransportStatus> TRANSPORT_STATUS = Context.key("r1-transport-status");

    private static final class TransportStatus {
        volatile Status status;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (!InferenceServiceGrpc.SERVICE_NAME.equals(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String method = call.getMethodDescriptor().getBareMethodName();
        AtomicBoolean counted = new AtomicBoolean();
        ServerCall<Q, R> counting = new SimpleForwardingServerCall<>(call) {
            @Override
            public void close(Status status, Metadata trailers) {
                if (counted.compareAndSet(false, true)) {
                    requests.labelValues("grpc", method, status.getCode().name())
                            .inc();
                }
                super.close(status, trailers);
            }
        };
        return new SimpleForwardingServerCallListener<>(next.startCall(counting, headers)) {
            @Override
            public void onCancel() {
                if (counted.compareAndSet(false, true)) {
                    Context ctx = Context.current();
                    boolean expired =
                            ctx.getDeadline() != null && ctx.getDeadline().isExpired();
                    Status.Code code = expired ? Status.Code.DEADLINE_EXCEEDED : Status.Code.CANCELLED;
                    // The transport itself ended the call (a message over maxMessageBytes): its status counts.
                    TransportStatus transport = TRANSPORT_STATUS.get(ctx);
                    if (transport != null
                            && transport.status != null
                            && transport.status.getCode() == Status.Code.RESOURCE_EXHAUSTED) {
                        code = Status.Code.RESOURCE_EXHAUSTED;
                    }
                    requests.labelValues("grpc", method, code.name()).inc();
                }
                super.onCancel();
            }
        };
    }
}
