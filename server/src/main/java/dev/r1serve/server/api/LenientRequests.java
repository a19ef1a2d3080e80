package dev.r1serve.server.api;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.UnknownFieldSet;
import dev.r1serve.server.error.ServerException;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServiceDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Request bytes that are not a valid protobuf message (invalid UTF-8 in a string field, a truncated
 * field) make grpc-java's own parsing fail, which it answers with UNKNOWN. These marshallers instead
 * turn such bytes into an empty request that carries the parse error in a reserved unknown field, so
 * validation answers INVALID_ARGUMENT like for every other bad input.
 */
final class LenientRequests {

    /** The largest protobuf field number: the protocol never uses it. */
    static final int PARSE_ERROR_FIELD = 536_870_911;

    private LenientRequests() {}

    /** The service with lenient request parsing on every method. */
    static ServerServiceDefinition lenient(ServerServiceDefinition service) {
        ServiceDescriptor old = service.getServiceDescriptor();
        List<ServerMethodDefinition<?, ?>> methods = new ArrayList<>();
        ServiceDescriptor.Builder descriptor =
                ServiceDescriptor.newBuilder(old.getName()).setSchemaDescriptor(old.getSchemaDescriptor());
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            ServerMethodDefinition<?, ?> replaced = lenient(m);
            methods.add(replaced);
            descriptor.addMethod(replaced.getMethodDescriptor());
        }
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(descriptor.build());
        methods.forEach(b::addMethod);
        return b.build();
    }

    @SuppressWarnings("unchecked")
    private static <Q, R> ServerMethodDefinition<Q, R> lenient(ServerMethodDefinition<Q, R> m) {
        MethodDescriptor<Q, R> d = m.getMethodDescriptor();
        if (!(d.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<Q> proto)
                || !(proto.getMessagePrototype() instanceof Message prototype)) {
            return m;
        }
        MethodDescriptor.Marshaller<Q> strict = d.getRequestMarshaller();
        MethodDescriptor.Marshaller<Q> marshaller = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(Q value) {
                return strict.stream(value);
            }

            @Override
            public Q parse(InputStream stream) {
                byte[] bytes;
                try {
                    bytes = stream.readAllBytes();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                try {
                    return (Q) prototype.getParserForType().parseFrom(bytes);
                } catch (InvalidProtocolBufferException e) {
                    return (Q) prototype.toBuilder()
                            .setUnknownFields(UnknownFieldSet.newBuilder()
                                    .addField(
                                            PARSE_ERROR_FIELD,
                                            UnknownFieldSet.Field.newBuilder()
                                                    .addLengthDelimited(
                                                            ByteString.copyFromUtf8(String.valueOf(e.getMessage())))
                                                    .build())
                                    .build())
                            .build();
                }
            }
        };
        return ServerMethodDefinition.create(
                d.toBuilder().setRequestMarshaller(marshaller).build(), m.getServerCallHandler());
    }

    /** Refuses a request that arrived as bytes which do not parse. */
    static void requireParsed(Message request) {
        parseError(request).ifPresent(error -> {
            throw new ServerException.InvalidField(
                    "request", "not a valid " + request.getDescriptorForType().getFullName() + " message: " + error);
        });
    }

    static Optional<String> parseError(Message request) {
        UnknownFieldSet.Field f = request.getUnknownFields().getField(PARSE_ERROR_FIELD);
        if (f == null || f.getLengthDelimitedList().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(f.getLengthDelimitedList().get(0).toString(StandardCharsets.UTF_8));
    }
}
