package dev.r1serve.server.api;

import dev.r1serve.server.validation.InvalidRequestException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** The one place where failures become gRPC statuses. Bad input never leaves as INTERNAL. */
public final class StatusMapper {

    private static final Logger LOG = Logger.getLogger(StatusMapper.class.getName());

    private StatusMapper() {}

    public static StatusRuntimeException toStatusException(Throwable t) {
        if (t instanceof InvalidRequestException e) {
            return e.toStatus().asRuntimeException();
        }
        if (t instanceof StatusRuntimeException e) {
            return e;
        }
        LOG.log(Level.SEVERE, "request failed", t);
        return Status.INTERNAL.withDescription("internal error: " + t.getClass().getSimpleName())
                .withCause(t).asRuntimeException();
    }
}
