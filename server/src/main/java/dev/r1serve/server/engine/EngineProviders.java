package dev.r1serve.server.engine;

import dev.r1serve.server.engine.llamacpp.LlamaCppProvider;
import dev.r1serve.server.engine.remote.RemoteEngineOptions.Protocol;
import dev.r1serve.server.engine.remote.RemoteEngineProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The engine kinds this server can host: the built-ins, then any provider found by {@link ServiceLoader}
 * on the class path (a plug-in jar, or a test's scripted engine). The one place engines are registered.
 */
public final class EngineProviders {

    public static final String DEFAULT_KIND = "llama.cpp";

    private static final Map<String, EngineProvider<?>> PROVIDERS = load();

    private EngineProviders() {}

    private static Map<String, EngineProvider<?>> load() {
        Map<String, EngineProvider<?>> all = new LinkedHashMap<>();
        List<EngineProvider<?>> builtins = List.of(
                new LlamaCppProvider(),
                new RemoteEngineProvider(Protocol.OPENAI),
                new RemoteEngineProvider(Protocol.OPENAI_CHAT),
                new RemoteEngineProvider(Protocol.LMI));
        for (EngineProvider<?> p : builtins) {
            all.put(p.kind(), p);
        }
        for (EngineProvider<?> p : ServiceLoader.load(EngineProvider.class)) {
            if (all.putIfAbsent(p.kind(), p) != null) {
                throw new IllegalStateException("two engine providers of kind '" + p.kind() + "': "
                        + all.get(p.kind()).getClass().getName() + " and "
                        + p.getClass().getName());
            }
        }
        return Map.copyOf(all);
    }

    public static Optional<EngineProvider<?>> find(String kind) {
        return Optional.ofNullable(PROVIDERS.get(kind));
    }

    /** The kinds known, for error messages, built-ins first. */
    public static List<String> kinds() {
        List<String> kinds = new java.util.ArrayList<>(List.of(DEFAULT_KIND, "openai", "openai-chat", "lmi"));
        PROVIDERS.keySet().stream().filter(k -> !kinds.contains(k)).sorted().forEach(kinds::add);
        return kinds;
    }
}
