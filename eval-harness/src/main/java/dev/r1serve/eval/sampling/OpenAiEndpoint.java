package dev.r1serve.eval.sampling;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * An OpenAI-compatible server to sample from instead of r1-serve's gRPC API (vLLM, SGLang, TGI, a hosted API, or
 * r1-serve's own HTTP front).
 *
 * @param baseUrl the API root, e.g. {@code http://host:8000/v1} (requests go to {@code baseUrl + "/chat/completions"})
 * @param mode chat: {@code /chat/completions} with the prompt as a user message (the server applies the model's
 *     template); completions: {@code /completions} with the prompt as raw text
 * @param apiKey sent as {@code Authorization: Bearer KEY}; null for none
 */
public record OpenAiEndpoint(URI baseUrl, Mode mode, String apiKey) {

    /** How prompts are sent. */
    public enum Mode {
        CHAT,
        COMPLETIONS;

        /** "chat" or "completions". */
        public static Mode parse(String s) {
            return switch (s == null ? "" : s.strip().toLowerCase(Locale.ROOT)) {
                case "chat" -> CHAT;
                case "completions" -> COMPLETIONS;
                default ->
                    throw new IllegalArgumentException("--openai-mode: must be chat or completions, got \"" + s + "\"");
            };
        }
    }

    public OpenAiEndpoint {
        if (baseUrl == null) throw new IllegalArgumentException("--openai-url: missing");
        if (mode == null) throw new IllegalArgumentException("--openai-mode: missing");
    }

    /** Parses {@code --openai-url}: an absolute http(s) URL; a trailing slash is dropped. */
    public static OpenAiEndpoint of(String url, Mode mode, String apiKey) {
        URI u;
        try {
            u = new URI(url == null ? "" : url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--openai-url: not a URL: \"" + url + "\" (" + e.getReason() + ")");
        }
        if (u.getScheme() == null
                || !(u.getScheme().equals("http") || u.getScheme().equals("https"))
                || u.getHost() == null) {
            throw new IllegalArgumentException(
                    "--openai-url: must be an http:// or https:// URL such as http://host:8000/v1, got \"" + url
                            + "\"");
        }
        String s = u.toString();
        while (s.endsWith("/")) s = s.substring(0, s.length() - 1);
        return new OpenAiEndpoint(URI.create(s), mode, apiKey == null || apiKey.isBlank() ? null : apiKey);
    }

    /** The URL of an endpoint under the base, e.g. {@code resolve("/models")}. */
    public URI resolve(String path) {
        return URI.create(baseUrl + path);
    }

    /** The path sampling requests go to. */
    public String samplingPath() {
        return mode == Mode.CHAT ? "/chat/completions" : "/completions";
    }

    /** What run.json records as the server: the mode and the URL, never the key. */
    @Override
    public String toString() {
        return "openai-" + mode.name().toLowerCase(Locale.ROOT) + ":" + baseUrl;
    }
}
