package dev.r1serve.server.engine.remote;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.server.engine.FinishReason;
import java.util.Optional;

/**
 * What one line of a backend's stream says: OpenAI server-sent events ({@code data: {...}}, {@code data:
 * [DONE]}) or LMI JSON lines ({@code {"token": {"text"}}, ... "details": {"finish_reason"}}).
 *
 * @param text new completion text (may be empty)
 * @param reasoning new reasoning text from a backend that splits it off ({@code reasoning_content} or
 *     {@code reasoning}), else empty
 * @param finish how the sequence ended, when this line says so
 * @param promptTokens, completionTokens usage when reported, else -1
 * @param done the stream is over ({@code [DONE]} or LMI's last line)
 */
record StreamPiece(String text, String reasoning, FinishReason finish, int promptTokens, int completionTokens,
                   boolean done) {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final StreamPiece DONE = new StreamPiece("", "", null, -1, -1, true);

    /** The backend said something this engine cannot use: the sequence ends with ERROR. */
    static final class BadStream extends Exception {
        BadStream(String message) {
            super(message);
        }
    }

    /** Decodes one SSE line; empty for comments, blank lines and other SSE fields. */
    static Optional<StreamPiece> openAi(String line) throws BadStream {
        if (!line.startsWith("data:")) {
            return Optional.empty(); // ": ping", "event: ...", "id: ...", blank separators
        }
        String data = line.substring(5).strip();
        if (data.equals("[DONE]")) {
            return Optional.of(DONE);
        }
        JsonNode chunk = parse(data);
        failOnError(chunk);
        int prompt = chunk.path("usage").path("prompt_tokens").asInt(-1);
        int completion = chunk.path("usage").path("completion_tokens").asInt(-1);
        JsonNode choices = chunk.path("choices");
        if (!choices.isArray()) {
            throw new BadStream("backend chunk without 'choices': " + abbreviate(data));
        }
        if (choices.isEmpty()) {
            return Optional.of(new StreamPiece("", "", null, prompt, completion, false)); // the usage chunk
        }
        JsonNode c = choices.get(0);
        JsonNode delta = c.path("delta");
        String text = c.path("text").isTextual() ? c.get("text").asText() : delta.path("content").asText("");
        String reasoning = delta.path("reasoning_content").isTextual() ? delta.get("reasoning_content").asText()
                : delta.path("reasoning").asText("");
        FinishReason finish = null;
        if (c.path("finish_reason").isTextual()) {
            finish = switch (c.get("finish_reason").asText()) {
                // vLLM: stop_reason is null at EOS and names the stop string (or token) otherwise.
                case "stop" -> c.path("stop_reason").isNull() || c.path("stop_reason").isMissingNode()
                        ? FinishReason.EOS : FinishReason.STOP;
                case "length" -> FinishReason.LENGTH;
                default -> FinishReason.ERROR; // "abort", "error", ...: the backend gave up on it
            };
        }
        return Optional.of(new StreamPiece(text, reasoning, finish, prompt, completion, false));
    }

    /** Decodes one LMI JSON line; empty for blank lines. */
    static Optional<StreamPiece> lmi(String line) throws BadStream {
        if (line.isBlank()) {
            return Optional.empty();
        }
        JsonNode obj = parse(line.strip());
        failOnError(obj);
        String text = obj.path("token").path("text").asText("");
        if (!obj.has("token") && obj.path("generated_text").isTextual()) {
            text = obj.get("generated_text").asText(); // a non-streaming answer: the whole text at once
        }
        JsonNode details = obj.path("details");
        boolean last = obj.has("generated_text") || details.isObject();
        FinishReason finish = null;
        if (details.path("finish_reason").isTextual()) {
            finish = switch (details.get("finish_reason").asText()) {
                case "length" -> FinishReason.LENGTH;
                case "eos_token", "eos" -> FinishReason.EOS;
                case "stop_sequence", "stop" -> FinishReason.STOP;
                default -> FinishReason.ERROR;
            };
        }
        int completion = details.path("generated_tokens").asInt(-1);
        int prompt = details.path("prompt_tokens").asInt(-1);
        return Optional.of(new StreamPiece(text, "", finish, prompt, completion, last));
    }

    private static JsonNode parse(String data) throws BadStream {
        try {
            JsonNode node = JSON.readTree(data);
            if (node == null || !node.isObject()) {
                throw new BadStream("backend sent a non-object: " + abbreviate(data));
            }
            return node;
        } catch (JacksonException e) {
            throw new BadStream("backend sent malformed JSON: " + abbreviate(data));
        }
    }

    private static void failOnError(JsonNode obj) throws BadStream {
        JsonNode err = obj.get("error");
        if (err != null && !err.isNull()) {
            throw new BadStream("backend error: " + (err.isObject() ? err.path("message").asText(err.toString()) : err.asText()));
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
