package dev.r1serve.server.security;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Optional;
import java.util.Set;

/**
 * Requires {@code authorization: Bearer <key>} on every call except health checks and reflection, and puts
 * the key's name in {@link ApiKeys#CLIENT_ID}. Services not listed as open are closed by default, so a
 * service added later is protected without further wiring.
 */
public final class ApiKeyInterceptor implements ServerInterceptor {

    /** Services any client may call: load balancers probe health without credentials. */
    public static final Set<String> OPEN_SERVICES = Set.of(
            "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection");

    static final Metadata.Key<String> AUTHORIZATION =
            Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final String BEARER = "bearer ";

    private final ApiKeys keys;

    public ApiKeyInterceptor(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public <Q, R> ServerCall.Listener<Q> interceptCall(
            ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        if (OPEN_SERVICES.contains(call.getMethodDescriptor().getServiceName())) {
            return next.startCall(call, headers);
        }
        String auth = headers.get(AUTHORIZATION);
        if (auth == null || !auth.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return refuse(call, "missing API key: send metadata 'authorization: Bearer <key>'");
        }
        Optional<String> name =
                keys.authenticate(auth.substring(BEARER.length()).strip());
        if (name.isEmpty()) {
            return refuse(call, "invalid API key");
        }
        return Contexts.interceptCall(Context.current().withValue(ApiKeys.CLIENT_ID, name.get()), call, headers, next);
    }

    private static <Q, R> ServerCall.Listener<Q> refuse(ServerCall<Q, R> call, String why) {
        call.close(Status.UNAUTHENTICATED.withDescription(why), new Metadata());
        return new ServerCall.Listener<>() {};
    }
}
