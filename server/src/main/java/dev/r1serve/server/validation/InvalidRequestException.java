package dev.r1serve.server.validation;

import io.grpc.Status;

/** A request the server refuses; carries the gRPC status and a message that names the field. */
public final class InvalidRequestException extends RuntimeException {

    private final Status.Code code;

    public InvalidRequestException(Status.Code code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    /** INVALID_ARGUMENT for {@code field}: "{field}: {problem}". */
    public static InvalidRequestException invalid(String field, String problem) {
        return new InvalidRequestException(Status.Code.INVALID_ARGUMENT, field + ": " + problem);
    }

    public Status toStatus() {
        return Status.fromCode(code).withDescription(getMessage());
    }

    public Status.Code code() {
        return code;
    }
}
