package dev.r1serve.server.engine.remote;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.server.engine.FinishReason;
import dev.r1serve.server.engine.TokenLogprob;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
 * @param tokenIds ids of the tokens behind {@code text} (vLLM's {@code token_ids} with {@code return_token_ids}),
 *     else empty
 * @param logprobs their log-probabilities (OpenAI completions' {@code logprobs} object, tokens named
 *     {@code token_id:N} as vLLM's {@code return_tokens_as_token_ids} writes them), else empty
 */
record StreamPiece(
        String text,
        String reasoning,
        FinishReason finish,
        int promptTokens,
        int completionTokens,
        boolean done,
        int[] tokenIds,
        List<TokenLogprob> logprobs) {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final int[] NO_IDS = new int[0];
    private static final StreamPiece DONE = new StreamPiece("", "", null, -1, -1, true);

    StreamPiece(
            String text, String reasoning, FinishReason finish, int promptTokens, int completionTokens, boolean done) {
        this(text, reasoning, finish, promptTokens, completionTokens, done, NO_IDS, List.of());
    }

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
        String text = c.path("text").isTextual()
                ? c.get("text").asText()
                : delta.path("content").asText("");
        String reasoning = delta.path("reasoning_content").isTextual()
                ? delta.get("reasoning_content").asText()
                : delta.path("reasoning").asText("");
        FinishReason finish = null;
        if (c.path("finish_reason").isTextual()) {
            finish = switch (c.get("finish_reason").asText()) {
                // vLLM: stop_reason is null at EOS and names the stop string (or token) otherwise.
                case "stop" ->
                    c.path("stop_reason").isNull() || c.path("stop_reason").isMissingNode()
                            ? FinishReason.EOS
                            : FinishReason.STOP;
                case "length" -> FinishReason.LENGTH;
                default -> FinishReason.ERROR; // "abort", "error", ...: the backend gave up on it
            };
        }
        int[] ids = NO_IDS;
        if (c.path("token_ids").isArray()) {
            ids = new int[c.get("token_ids").size()];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = c.get("token_ids").get(i).asInt();
            }
        }
        List<TokenLogprob> logprobs = logprobs(c.path("logprobs"), ids);
        return Optional.of(new StreamPiece(text, reasoning, finish, prompt, completion, false, ids, logprobs));
    }

    /**
     * OpenAI completions' {@code {"tokens", "token_logprobs", "top_logprobs"}}; a sampled token's id is taken
     * from {@code ids} (aligned) or from its {@code token_id:N} name, alternatives need {@code token_id:N} names.
     */
    static List<TokenLogprob> logprobs(JsonNode lp, int[] ids) throws BadStream {
        if (!lp.isObject() || !lp.path("token_logprobs").isArray()) {
            return List.of();
        }
        JsonNode values = lp.get("token_logprobs");
        JsonNode tokens = lp.path("tokens");
        JsonNode tops = lp.path("top_logprobs");
        List<TokenLogprob> out = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            int id = i < ids.length ? ids[i] : tokenId(tokens.path(i).asText(""));
            List<TokenLogprob.Top> top = new ArrayList<>();
            JsonNode alternatives = tops.path(i);
            if (alternatives.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = alternatives.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    top.add(new TokenLogprob.Top(
                            tokenId(e.getKey()), (float) e.getValue().asDouble()));
                }
                top.sort((a, b) -> Float.compare(b.logprob(), a.logprob()));
            }
            // vLLM writes -inf as -9999.0; a null (the first prompt token with echo) is taken as no information.
            float value = values.get(i).isNumber() ? (float) values.get(i).asDouble() : Float.NaN;
            out.add(new TokenLogprob(id, value, top));
        }
        return out;
    }

    /** The id in vLLM's {@code token_id:N} token names. */
    private static int tokenId(String name) throws BadStream {
        if (name.startsWith("token_id:")) {
            try {
                return Integer.parseInt(name.substring("token_id:".length()));
            } catch (NumberFormatException e) {
                // falls through to the error
            }
        }
        throw new BadStream("backend named a logprobs token '" + abbreviate(name)
                + "' instead of token_id:N (needs vLLM's return_tokens_as_token_ids)");
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
        JsonNode token = obj.path("token");
        if (token.path("id").isInt()) {
            int id = token.get("id").asInt();
            List<TokenLogprob> logprob = token.path("log_prob").isNumber()
                    ? List.of(new TokenLogprob(id, (float) token.get("log_prob").asDouble(), List.of()))
                    : List.of();
            return Optional.of(new StreamPiece(text, "", finish, prompt, completion, last, new int[] {id}, logprob));
        }
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
            throw new BadStream(
                    "backend error: " + (err.isObject() ? err.path("message").asText(err.toString()) : err.asText()));
        }
    }

    static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
