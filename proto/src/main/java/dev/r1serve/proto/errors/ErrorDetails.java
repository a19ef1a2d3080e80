package dev.r1serve.proto.errors;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.rpc.ErrorInfo;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The wire contract of r1-serve errors, shared by the server (which writes it) and the clients (which read
 * it): a {@code google.rpc.ErrorInfo} in the status details with an {@link ErrorReason}, and the
 * {@value #RETRY_AFTER_MS} trailer (gRPC) or header (HTTP) on refusals worth retrying.
 */
public final class ErrorDetails {

    /** ErrorInfo domain of r1-serve's errors. */
    public static final String DOMAIN = "r1serve.dev";
    /** Trailer / header: milliseconds after which a refused call may be retried. */
    public static final String RETRY_AFTER_MS = "retry-after-ms";

    public static final Metadata.Key<String> RETRY_AFTER_MS_KEY =
            Metadata.Key.of(RETRY_AFTER_MS, Metadata.ASCII_STRING_MARSHALLER);
    /** ErrorInfo metadata key naming the offending request field. */
    public static final String FIELD = "field";

    private ErrorDetails() {}

    /**
     * A status exception carrying {@code reason} (and {@code metadata}) as ErrorInfo; {@code retryAfterMillis}
     * >= 0 adds the retry trailer.
     */
    public static StatusRuntimeException toException(
            Status.Code code, String message, ErrorReason reason, Map<String, String> metadata, long retryAfterMillis) {
        ErrorInfo info = ErrorInfo.newBuilder()
                .setDomain(DOMAIN)
                .setReason(reason.name())
                .putAllMetadata(metadata)
                .build();
        com.google.rpc.Status status = com.google.rpc.Status.newBuilder()
                .setCode(code.value())
                .setMessage(message == null ? "" : message)
                .addDetails(Any.pack(info))
                .build();
        Metadata trailers = new Metadata();
        if (retryAfterMillis >= 0) {
            trailers.put(RETRY_AFTER_MS_KEY, Long.toString(retryAfterMillis));
        }
        return StatusProto.toStatusRuntimeException(status, trailers);
    }

    /** The r1-serve ErrorInfo of a failed call, if the server attached one. */
    public static Optional<ErrorInfo> errorInfo(Throwable t) {
        com.google.rpc.Status status = StatusProto.fromThrowable(t);
        if (status == null) {
            return Optional.empty();
        }
        for (Any detail : status.getDetailsList()) {
            if (detail.is(ErrorInfo.class)) {
                try {
                    ErrorInfo info = detail.unpack(ErrorInfo.class);
                    if (DOMAIN.equals(info.getDomain())) {
                        return Optional.of(info);
                    }
                } catch (InvalidProtocolBufferException ignored) {
                    // a detail that does not parse carries no reason
                }
            }
        }
        return Optional.empty();
    }

    /** The reason of a failed call; empty for errors from elsewhere (a proxy, the transport). */
    public static Optional<ErrorReason> reason(Throwable t) {
        return errorInfo(t).flatMap(i -> {
            try {
                return Optional.of(ErrorReason.valueOf(i.getReason()));
            } catch (IllegalArgumentException e) {
                return Optional.empty(); // a reason newer than this client
            }
        });
    }

    /** Whether a failed call was refused for {@code reason}. */
    public static boolean is(Throwable t, ErrorReason reason) {
        return reason(t).filter(reason::equals).isPresent();
    }

    /** The server's retry hint, from the trailer. */
    public static OptionalLong retryAfterMillis(Throwable t) {
        Metadata trailers = Status.trailersFromThrowable(t);
        String v = trailers == null ? null : trailers.get(RETRY_AFTER_MS_KEY);
        if (v == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Math.max(0, Long.parseLong(v.trim())));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
