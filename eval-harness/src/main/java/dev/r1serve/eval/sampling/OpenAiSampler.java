package dev.r1serve.eval.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1serve.proto.errors.ErrorReason;
import dev.r1serve.proto.v1.ChatMessage;
import dev.r1serve.proto.v1.FinishReason;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.ModelInfo;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.Timings;
import dev.r1serve.proto.v1.Usage;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * Samples an OpenAI-compatible server: one HTTP request per sample (n = 1) with its own seed, so any sample can
 * be regenerated alone and a resumed run asks only for the missing ones. Sample 0 of a request uses the request's
 * seed, sample i > 0 a seed mixed from it and i (uint32). A request's samples are asked for concurrently.
 *
 * <p>The reasoning comes from {@code reasoning_content} (vLLM's and SGLang's reasoning parsers, r1-serve's front)
 * or else from think tags in the text: before the last {@code </think>} is reasoning, after it the answer; a
 * {@code <think>} that never closes leaves no answer. 429 and 5xx answers and lost connections are retried with the
 * run's policy (honouring {@code Retry-After}); other refusals, and answers not in OpenAI's shape, fail naming the
 * URL.
 */
public final class OpenAiSampler implements Sampler {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int SHOWN = 200; // characters of a malformed body quoted in the error
    private static final String PROMPT_TOO_LONG =
            ErrorReason.PROMPT_TOO_LONG.name().toLowerCase(Locale.ROOT);

    private final OpenAiEndpoint endpoint;
    private final HttpClient http;
    private final ExecutorService requests = Executors.newVirtualThreadPerTaskExecutor();

    public OpenAiSampler(OpenAiEndpoint endpoint) {
        this.endpoint = endpoint;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** Seed of sample {@code i} of a request seeded {@code seed}. */
    public static long sampleSeed(long seed, int i) {
        if (i == 0) return seed;
        long z = seed * 0x9E3779B97F4A7C15L + i; // SplitMix64's finalizer over (seed, i)
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) & 0xFFFF_FFFFL;
    }

    @Override
    public ModelInfo model(String name) {
        URI url = endpoint.resolve("/models");
        // Few, short retries: an absent server or a wrong URL should fail the run at once, not after a minute.
        JsonNode body = call(
                url, null, Duration.ofSeconds(30), new RetryPolicy(3, Duration.ofMillis(200), Duration.ofSeconds(2)));
        JsonNode data = body.get("data");
        if (data == null || !data.isArray())
            throw notOpenAi(url, "a model list: missing array \"data\"", body.toString());
        List<String> ids = new ArrayList<>();
        for (JsonNode m : data) {
            if (!m.path("id").isTextual())
                throw notOpenAi(url, "a model list: an entry of \"data\" has no string \"id\"", body.toString());
            ids.add(m.get("id").asText());
        }
        if (ids.isEmpty()) throw new IllegalStateException(url + " lists no models");
        String picked = name == null ? ids.get(0) : name;
        if (!ids.contains(picked)) {
            throw new IllegalArgumentException("model \"" + name + "\" is not served by " + endpoint.baseUrl()
                    + "; served: " + String.join(", ", ids));
        }
        // The server applies its own template in chat mode; completions send the prompt as raw text ("none").
        return ModelInfo.newBuilder()
                .setName(picked)
                .setTemplate(endpoint.mode() == OpenAiEndpoint.Mode.CHAT ? "openai-chat" : "none")
                .build();
    }

    @Override
    public Iterable<Sample> samples(GenerateRequest request, Set<Integer> skip, Duration deadline, RetryPolicy retry) {
        int n = Math.max(1, request.getSampling().getN());
        LinkedBlockingQueue<Object> done = new LinkedBlockingQueue<>();
        int asked = 0;
        for (int i = 0; i < n; i++) {
            if (skip.contains(i)) continue;
            int index = i;
            asked++;
            requests.submit(() -> {
                try {
                    done.add(sample(request, index, deadline, retry));
                } catch (RuntimeException e) {
                    done.add(e);
                }
            });
        }
        int expected = asked;
        long requestSeed = request.getSampling().getSeed();
        return () -> new Iterator<>() {
            private int taken;

            @Override
            public boolean hasNext() {
                return taken < expected;
            }

            @Override
            public Sample next() {
                if (!hasNext()) throw new NoSuchElementException();
                Object o;
                try {
                    o = done.take();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while waiting for " + endpoint.baseUrl(), e);
                }
                taken++;
                if (o instanceof PromptTooLong e) {
                    // the same prompt for every sample: none of them is answered
                    List<Sample> unanswered = new ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        if (skip.contains(i)) continue;
                        unanswered.add(Sample.newBuilder()
                                .setIndex(i)
                                .setSeed(sampleSeed(requestSeed, i))
                                .setFinishReason(FinishReason.FINISH_REASON_ERROR)
                                .setError(e.getMessage())
                                .build());
                    }
                    throw new PromptTooLongException(e.getMessage(), unanswered);
                }
                if (o instanceof RuntimeException e) throw e;
                return (Sample) o;
            }
        };
    }

    private Sample sample(GenerateRequest request, int index, Duration deadline, RetryPolicy retry) {
        long seed = sampleSeed(request.getSampling().getSeed(), index);
        ObjectNode body = JSON.createObjectNode().put("model", request.getModel());
        if (endpoint.mode() == OpenAiEndpoint.Mode.CHAT) {
            var messages = body.putArray("messages");
            if (request.hasChat()) {
                for (ChatMessage m : request.getChat().getMessagesList())
                    messages.addObject().put("role", m.getRole()).put("content", m.getContent());
            } else {
                messages.addObject().put("role", "user").put("content", request.getPrompt());
            }
        } else {
            body.put("prompt", request.hasChat() ? lastUserTurn(request) : request.getPrompt());
        }
        body.put("n", 1)
                .put("seed", seed)
                .put("temperature", request.getSampling().getTemperature())
                .put("top_p", request.getSampling().getTopP())
                .put("max_tokens", request.getSampling().getMaxTokens());
        if (request.getSampling().hasMaxThinkingTokens()) {
            body.put("thinking_token_budget", request.getSampling().getMaxThinkingTokens()); // vLLM's name
        }
        URI url = endpoint.resolve(endpoint.samplingPath());
        long t0 = System.nanoTime();
        JsonNode answer = call(url, body.toString(), deadline, retry);
        double ms = (System.nanoTime() - t0) / 1e6;
        return parse(url, answer, index, seed, ms);
    }

    private static String lastUserTurn(GenerateRequest r) {
        List<ChatMessage> ms = r.getChat().getMessagesList();
        return ms.isEmpty() ? "" : ms.get(ms.size() - 1).getContent();
    }

    /** One choice of a completion answer as a protocol sample, the reasoning split off. */
    private Sample parse(URI url, JsonNode answer, int index, long seed, double ms) {
        JsonNode choices = answer.get("choices");
        if (choices == null || !choices.isArray() || choices.isEmpty()) {
            throw notOpenAi(url, "a completion: missing non-empty array \"choices\"", answer.toString());
        }
        JsonNode c = choices.get(0);
        String content, reasoning = null;
        if (endpoint.mode() == OpenAiEndpoint.Mode.CHAT) {
            JsonNode m = c.get("message");
            if (m == null || !m.isObject())
                throw notOpenAi(url, "a chat completion: choices[0] has no object \"message\"", answer.toString());
            JsonNode t = m.get("content");
            if (t != null && !t.isNull() && !t.isTextual())
                throw notOpenAi(url, "a chat completion: message.content is not a string", answer.toString());
            content = t == null || t.isNull() ? "" : t.asText();
            JsonNode r = m.has("reasoning_content") ? m.get("reasoning_content") : m.get("reasoning");
            if (r != null && r.isTextual() && !r.asText().isEmpty()) reasoning = r.asText();
        } else {
            JsonNode t = c.get("text");
            if (t == null || !t.isTextual())
                throw notOpenAi(url, "a completion: choices[0] has no string \"text\"", answer.toString());
            content = t.asText();
        }
        String text, answerPart;
        if (reasoning != null) {
            text = "<think>\n" + reasoning + "\n</think>\n\n" + content;
            answerPart = content;
        } else {
            text = content;
            int close = content.lastIndexOf("</think>");
            if (close >= 0) {
                String before = content.substring(0, close);
                int open = before.indexOf("<think>");
                reasoning = open >= 0 ? before.substring(open + "<think>".length()) : before;
                answerPart = content.substring(close + "</think>".length());
            } else if (content.contains("<think>")) {
                reasoning = content.substring(content.indexOf("<think>") + "<think>".length());
                answerPart = ""; // the reasoning never closed: no answer
            } else {
                answerPart = content;
            }
        }
        String fr = c.path("finish_reason").asText("");
        FinishReason finish = switch (fr) {
            case "stop", "eos", "end_turn" -> FinishReason.FINISH_REASON_STOP;
            case "length" -> FinishReason.FINISH_REASON_LENGTH;
            case "abort", "cancelled" -> FinishReason.FINISH_REASON_CANCELLED;
            default ->
                fr.isEmpty() || fr.equals("null") ? FinishReason.FINISH_REASON_STOP : FinishReason.FINISH_REASON_ERROR;
        };
        JsonNode usage = answer.path("usage");
        return Sample.newBuilder()
                .setIndex(index)
                .setSeed(seed)
                .setText(text)
                .setReasoning(reasoning == null ? "" : reasoning.strip())
                .setAnswer(answerPart.strip())
                .setFinishReason(finish)
                .setError(finish == FinishReason.FINISH_REASON_ERROR ? "finish_reason \"" + fr + "\"" : "")
                .setUsage(Usage.newBuilder()
                        .setPromptTokens(usage.path("prompt_tokens").asInt(0))
                        .setCompletionTokens(usage.path("completion_tokens").asInt(0)))
                .setTimings(Timings.newBuilder().setTotalMs(ms))
                .build();
    }

    /** GET (body null) or POST JSON, with retries of transient failures; the answer must be a JSON object. */
    private JsonNode call(URI url, String body, Duration deadline, RetryPolicy retry) {
        HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(deadline).header("Accept", "application/json");
        if (endpoint.apiKey() != null) b.header("Authorization", "Bearer " + endpoint.apiKey());
        HttpRequest req = body == null
                ? b.GET().build()
                : b.header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                        .build();
        String method = body == null ? "GET " : "POST ";
        for (int attempt = 1; ; attempt++) {
            HttpResponse<String> res;
            try {
                res = http.send(req, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            } catch (IOException e) {
                if (attempt >= retry.maxAttempts()) {
                    throw new IllegalStateException(
                            method + url + ": no answer after " + attempt + " attempt(s): " + e, e);
                }
                sleep(retry.backoff(attempt, null));
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(method + url + ": interrupted", e);
            }
            int status = res.statusCode();
            if (status == 429 || status >= 500) {
                if (attempt >= retry.maxAttempts()) {
                    throw new IllegalStateException(method + url + ": HTTP " + status + " after " + attempt
                            + " attempt(s): " + errorMessage(res.body()));
                }
                sleep(res.headers()
                        .firstValue("Retry-After")
                        .flatMap(OpenAiSampler::seconds)
                        .orElse(retry.backoff(attempt, null)));
                continue;
            }
            if (status / 100 != 2) {
                String msg = errorMessage(res.body());
                if (promptTooLong(status, res.body(), msg)) throw new PromptTooLong(msg);
                throw new IllegalStateException(method + url + ": HTTP " + status + ": " + msg);
            }
            try {
                JsonNode node = JSON.readTree(res.body());
                if (node == null || !node.isObject()) throw notOpenAi(url, "a JSON object", res.body());
                return node;
            } catch (IOException e) {
                throw notOpenAi(url, "JSON", res.body());
            }
        }
    }

    private static IllegalStateException notOpenAi(URI url, String expected, String got) {
        String shown = got == null ? "" : got.length() > SHOWN ? got.substring(0, SHOWN) + "…" : got;
        return new IllegalStateException(url + " did not answer as an OpenAI-compatible server: expected " + expected
                + ", got: " + shown.replace("\n", "\\n"));
    }

    /**
     * Whether an error answer refuses the prompt as longer than the model's context: the one place the HTTP side
     * recognises it, by r1-serve's error code {@code prompt_too_long} (its {@link ErrorReason} in lower case).
     */
    static boolean promptTooLong(int status, String body, String message) {
        if (status != 400) return false;
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && PROMPT_TOO_LONG.equals(n.path("error").path("code").asText(null))) return true;
        } catch (IOException ignored) {
            // not JSON: no code
        }
        // Foreign OpenAI-compatible servers send no code: vLLM's sentence.
        return message.contains("maximum context length");
    }

    /** OpenAI's {@code {"error": {"message"}}}, or the body itself (cut short). */
    private static String errorMessage(String body) {
        try {
            JsonNode n = JSON.readTree(body);
            if (n != null && n.path("error").path("message").isTextual())
                return n.get("error").get("message").asText();
        } catch (IOException ignored) {
            // not JSON: quote it
        }
        return body == null ? "" : body.length() > SHOWN ? body.substring(0, SHOWN) + "…" : body;
    }

    private static java.util.Optional<Duration> seconds(String header) {
        try {
            return java.util.Optional.of(Duration.ofMillis((long) (Double.parseDouble(header.strip()) * 1000)));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while backing off", e);
        }
    }

    /** The server refused the prompt as longer than the model's context (not worth retrying); see {@link #samples}. */
    private static final class PromptTooLong extends RuntimeException {
        PromptTooLong(String message) {
            super(message);
        }
    }

    @Override
    public String target() {
        return endpoint.toString();
    }

    @Override
    public void close() {
        requests.shutdownNow();
        http.close();
    }
}
