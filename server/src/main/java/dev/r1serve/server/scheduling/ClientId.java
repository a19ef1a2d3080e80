package dev.r1serve.server.scheduling;

import io.grpc.Context;

/** Who a call comes from, for fairness: the API key's name when authenticated, else "anonymous". */
public final class ClientId {

    /** Set by the authentication interceptor; read by the scheduler. */
    public static final Context.Key<String> KEY = Context.keyWithDefault("r1-client-id", "anonymous");

    private ClientId() {}

    public static String current() {
        return KEY.get();
    }
}
