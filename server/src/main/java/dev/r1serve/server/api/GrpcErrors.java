package dev.r1serve.server.api;

import dev.r1serve.proto.errors.ErrorDetails;
import dev.r1serve.proto.errors.ErrorReason;
import dev.r1serve.server.error.ServerException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one place where failures become gRPC statuses: each {@link ServerException} gets its code, its
 * message, a {@code google.rpc.ErrorInfo} whose reason clients branch on, and the {@code retry-after-ms}
 * trailer where a retry makes sense. Anything else is a bug and leaves as INTERNAL, logged.
 */
public final class GrpcErrors {

    private static final Logger LOG = Logger.getLogger(GrpcErrors.class.getName());

    private GrpcErrors() {}

    public static StatusRuntimeException toStatusException(Throwable t) {
        if (t instanceof ServerException e) {
            return toStatusException(e);
        }
        if (t instanceof StatusRuntimeException e) {
            return e;
        }
        LOG.log(Level.SEVERE, "request failed", t);
        return ErrorDetails.toException(
                Status.Code.INTERNAL,
                "internal error: " + t.getClass().getSimpleName(),
                ErrorReason.INTERNAL,
                Map.of(),
                -1);
    }

    public static StatusRuntimeException toStatusException(ServerException e) {
        String m = e.getMessage();
        return switch (e) {
            case ServerException.InvalidField f ->
                ErrorDetails.toException(
                        Status.Code.INVALID_ARGUMENT,
                        m,
                        ErrorReason.INVALID_FIELD,
                        Map.of(ErrorDetails.FIELD, f.field()),
                        -1);
            case ServerException.PromptTooLong p ->
                ErrorDetails.toException(
                        Status.Code.INVALID_ARGUMENT,
                        m,
                        ErrorReason.PROMPT_TOO_LONG,
                        Map.of(
                                ErrorDetails.FIELD,
                                p.field(),
                                "prompt_tokens",
                                Integer.toString(p.promptTokens()),
                                "context_length",
                                Integer.toString(p.contextLength())),
                        -1);
            case ServerException.ModelNotFound n ->
                ErrorDetails.toException(
                        Status.Code.NOT_FOUND, m, ErrorReason.MODEL_NOT_FOUND, Map.of(ErrorDetails.FIELD, "model"), -1);
            case ServerException.Unsupported u ->
                ErrorDetails.toException(
                        Status.Code.FAILED_PRECONDITION,
                        m,
                        ErrorReason.UNSUPPORTED,
                        Map.of(ErrorDetails.FIELD, u.field()),
                        -1);
            case ServerException.Overloaded o ->
                ErrorDetails.toException(
                        Status.Code.RESOURCE_EXHAUSTED, m, ErrorReason.OVERLOADED, Map.of(), o.retryAfterMillis());
            case ServerException.RateLimited r ->
                ErrorDetails.toException(
                        Status.Code.RESOURCE_EXHAUSTED, m, ErrorReason.RATE_LIMITED, Map.of(), r.retryAfterMillis());
            case ServerException.Draining d ->
                ErrorDetails.toException(
                        Status.Code.UNAVAILABLE, m, ErrorReason.DRAINING, Map.of(), d.retryAfterMillis());
            case ServerException.BackendUnavailable b ->
                ErrorDetails.toException(
                        Status.Code.UNAVAILABLE, m, ErrorReason.BACKEND_UNAVAILABLE, Map.of(), b.retryAfterMillis());
            case ServerException.DeadlineExceeded d ->
                ErrorDetails.toException(Status.Code.DEADLINE_EXCEEDED, m, ErrorReason.DEADLINE_EXCEEDED, Map.of(), -1);
        };
    }
}
