package dev.r1serve.server.scheduling;

import io.grpc.Context;

/** Who a call comes from, for fairness: the API key's name when authenticated, else "anonymous". */
public final class ClientId {

    /** The authenticated API key's name; set by the authentication interceptor, unset on open servers. */
    public static final Context.Key<String> KEY = Context.key("r1-client-id");

    private ClientId() {}

    public static String current() {
        String id = KEY.get();
        return id != null ? id : "anonymous";
    }
}
