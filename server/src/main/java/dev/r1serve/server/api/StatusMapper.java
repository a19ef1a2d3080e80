package dev.r1serve.server.api;

import dev.r1serve.server.validation.InvalidRequestException;
import dev.r1serve.server.scheduling.OverloadedException;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The one place where failures become gRPC statuses. Bad input never leaves as INTERNAL. */
public final class StatusMapper {

    private static final Logger LOG = Logger.getLogger(StatusMapper.class.getName());

    /** Trailer with the milliseconds after which a refused (RESOURCE_EXHAUSTED) call may be retried. */
    public static final Metadata.Key<String> RETRY_AFTER_MS =
            Metadata.Key.of("retry-after-ms", Metadata.ASCII_STRING_MARSHALLER);

    private StatusMapper() {}

    public static StatusRuntimeException toStatusException(Throwable t) {
        if (t instanceof InvalidRequestException e) {
            return e.toStatus().asRuntimeException();
        }
        if (t instanceof OverloadedException e) {
            Metadata trailers = new Metadata();
            trailers.put(RETRY_AFTER_MS, Long.toString(e.retryAfterMillis()));
            return Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException(trailers);
        }
        if (t instanceof StatusRuntimeException e) {
            return e;
        }
        LOG.log(Level.SEVERE, "request failed", t);
        return Status.INTERNAL.withDescription("internal error: " + t.getClass().getSimpleName())
                .withCause(t).asRuntimeException();
    }
}
