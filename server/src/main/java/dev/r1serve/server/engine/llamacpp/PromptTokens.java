package dev.r1serve.server.engine.llamacpp;

import de.kherud.llama.InferenceParameters;
import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Gives llama.cpp a prompt as token ids. Its server takes {@code "prompt": [ids...]} (and then adds no
 * BOS), but java-llama.cpp 4.2.0 only has a string setter; its parameters are a package-private map of
 * raw JSON values, which this writes the id array into.
 */
final class PromptTokens {

    private static final Field PARAMETERS;

    static {
        try {
            PARAMETERS = Class.forName("de.kherud.llama.JsonParameters").getDeclaredField("parameters");
            PARAMETERS.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError("java-llama.cpp changed: no JsonParameters.parameters (" + e + ")");
        }
    }

    private PromptTokens() {}

    @SuppressWarnings("unchecked")
    static void set(InferenceParameters params, int[] ids) {
        try {
            Map<String, String> json = (Map<String, String>) PARAMETERS.get(params);
            json.put("prompt", Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(",", "[", "]")));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
