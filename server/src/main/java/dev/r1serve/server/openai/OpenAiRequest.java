package dev.r1serve.server.openai;

import static dev.r1serve.server.openai.OpenAiException.badRequest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.r1serve.proto.v1.ChatMessage;
import dev.r1serve.proto.v1.ChatMessages;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.SamplingParams;
import dev.r1serve.server.validation.RequestValidator;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * An OpenAI {@code /v1/completions} or {@code /v1/chat/completions} body translated into our protocol's
 * {@link GenerateRequest}, so it goes through the same validation and scheduling as gRPC calls. Only the
 * JSON shape is checked here (types, which fields exist); ranges are the validator's job.
 *
 * @param stream whether the answer is streamed as server-sent events
 * @param includeUsage {@code stream_options.include_usage}: a last chunk with the usage of all samples
 */
record OpenAiRequest(GenerateRequest proto, boolean chat, boolean stream, boolean includeUsage) {

    /** The parameters each endpoint implements; any other field is refused rather than silently ignored. */
    private static final Set<String> COMMON = Set.of(
            "model",
            "temperature",
            "top_p",
            "top_k",
            "min_p",
            "n",
            "seed",
            "max_tokens",
            "max_completion_tokens",
            "stop",
            "stream",
            "stream_options",
            "logprobs",
            "prefill_think",
            "priority",
            "user",
            "frequency_penalty",
            "presence_penalty",
            "top_logprobs",
            "thinking_token_budget",
            "return_token_ids");

    private static final Set<String> CHAT_ONLY = Set.of("messages");
    private static final Set<String> COMPLETION_ONLY = Set.of("prompt");

    /**
     * OpenAI parameters the engines do not implement, accepted only with the value that changes nothing
     * (clients and SDK wrappers often send the default explicitly); any other value is a 400 naming them,
     * as vLLM answers for what it lacks. Same seed with or without them must mean the same output.
     */
    private static final Map<String, String> NEUTRAL_ONLY = Map.ofEntries(
            Map.entry("logit_bias", "{}"),
            Map.entry("echo", "false"),
            Map.entry("suffix", "\"\""),
            Map.entry("tools", "[]"),
            Map.entry("tool_choice", "\"none\""),
            Map.entry("functions", "[]"),
            Map.entry("function_call", "\"none\""),
            Map.entry("parallel_tool_calls", "false"),
            Map.entry("response_format", "{\"type\":\"text\"}"),
            Map.entry("best_of", "1"),
            Map.entry("store", "false"));

    /**
     * Parses a request body. Every field must be one this endpoint implements, or an unimplemented one with its
     * neutral value (see {@link #NEUTRAL_ONLY}): a parameter that would be ignored is refused with 400.
     */
    static OpenAiRequest parse(JsonNode body, boolean chat) {
        if (body == null || !body.isObject()) {
            throw badRequest(null, "the request body must be a JSON object");
        }
        checkFields(body, chat);
        GenerateRequest.Builder r = GenerateRequest.newBuilder().setModel(text(body, "model", true));
        if (chat) {
            r.setChat(messages(body.get("messages")));
        } else {
            r.setPrompt(prompt(body.get("prompt")));
        }
        SamplingParams.Builder s = SamplingParams.newBuilder();
        if (present(body, "temperature")) {
            s.setTemperature((float) number(body, "temperature"));
        }
        if (present(body, "top_p")) {
            s.setTopP((float) number(body, "top_p"));
        }
        if (present(body, "top_k")) {
            int k = integer(body, "top_k");
            s.setTopK(k == -1 ? 0 : k); // vLLM's "disabled" is -1, ours is 0
        }
        if (present(body, "min_p")) {
            s.setMinP((float) number(body, "min_p"));
        }
        if (present(body, "frequency_penalty")) {
            s.setFrequencyPenalty((float) number(body, "frequency_penalty"));
        }
        if (present(body, "presence_penalty")) {
            s.setPresencePenalty((float) number(body, "presence_penalty"));
        }
        if (present(body, "n")) {
            s.setN(integer(body, "n"));
        }
        if (present(body, "seed")) {
            JsonNode seed = body.get("seed");
            if (!seed.canConvertToLong() || !seed.isIntegralNumber()) {
                throw badRequest("seed", "seed: must be an integer");
            }
            s.setSeed(seed.asLong());
        }
        String maxField = present(body, "max_completion_tokens") ? "max_completion_tokens" : "max_tokens";
        if (present(body, maxField)) {
            s.setMaxTokens(integer(body, maxField));
        }
        JsonNode stop = body.get("stop");
        if (stop != null && !stop.isNull()) {
            if (stop.isTextual()) {
                s.addStop(stop.asText());
            } else if (stop.isArray()) {
                for (JsonNode each : stop) {
                    if (!each.isTextual()) {
                        throw badRequest("stop", "stop: must be a string or a list of strings");
                    }
                    s.addStop(each.asText());
                }
            } else {
                throw badRequest("stop", "stop: must be a string or a list of strings");
            }
        }
        if (present(body, "thinking_token_budget")) { // vLLM's name for max_thinking_tokens
            s.setMaxThinkingTokens(integer(body, "thinking_token_budget"));
        }
        r.setSampling(s);
        GenerateOptions.Builder o = GenerateOptions.newBuilder();
        // Chat: logprobs true plus top_logprobs k; completions: logprobs k (the sampled token plus k alternatives).
        JsonNode logprobs = body.get("logprobs");
        if (logprobs != null && !logprobs.isNull() && !(logprobs.isBoolean() && !logprobs.asBoolean())) {
            o.setReturnLogprobs(true);
            if (logprobs.isIntegralNumber()) {
                int top = integer(body, "logprobs");
                if (chat || top < 0 || top > RequestValidator.MAX_TOP_LOGPROBS) {
                    throw badRequest(
                            "logprobs",
                            chat
                                    ? "logprobs: must be a boolean (the alternatives are top_logprobs)"
                                    : "logprobs: must be in [0, " + RequestValidator.MAX_TOP_LOGPROBS + "], got "
                                            + top);
                }
                o.setTopLogprobs(top);
            }
            if (present(body, "stream") && bool(body, "stream")) {
                throw badRequest(
                        "logprobs",
                        "logprobs: not streamed on the HTTP front yet; use stream: false or "
                                + "gRPC GenerateStream, whose chunks carry them");
            }
        }
        if (present(body, "top_logprobs")) {
            o.setTopLogprobs(integer(body, "top_logprobs"));
        }
        if (present(body, "return_token_ids") && bool(body, "return_token_ids")) { // vLLM: both ids in the choice
            o.setReturnTokenIds(true).setReturnPromptTokenIds(true);
        }
        if (present(body, "prefill_think")) {
            o.setPrefillThink(bool(body, "prefill_think"));
        }
        r.setOptions(o);
        if (present(body, "priority")) {
            r.setPriority(integer(body, "priority"));
        }
        if (present(body, "user")) {
            r.setRequestId(text(body, "user", false));
        }
        boolean stream = present(body, "stream") && bool(body, "stream");
        JsonNode streamOptions = body.get("stream_options");
        boolean usage =
                streamOptions != null && streamOptions.path("include_usage").asBoolean(false);
        return new OpenAiRequest(r.build(), chat, stream, usage);
    }

    private static void checkFields(JsonNode body, boolean chat) {
        String endpoint = chat ? "/v1/chat/completions" : "/v1/completions";
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> f = it.next();
            String name = f.getKey();
            if (COMMON.contains(name) || (chat ? CHAT_ONLY : COMPLETION_ONLY).contains(name)) {
                continue;
            }
            String neutral = NEUTRAL_ONLY.get(name);
            if (neutral == null) {
                throw badRequest(name, name + ": unknown parameter for " + endpoint);
            }
            JsonNode v = f.getValue();
            boolean isNeutral = v.isNull()
                    || neutralValue(v, neutral)
                    // best_of equal to n is plain sampling of n
                    || (name.equals("best_of")
                            && v.isIntegralNumber()
                            && v.asInt() == body.path("n").asInt(1));
            if (!isNeutral) {
                throw badRequest(
                        name,
                        name + ": not supported by r1-serve (only " + neutral + " is accepted, which changes nothing)");
            }
        }
    }

    private static boolean neutralValue(JsonNode v, String neutral) {
        if (v.isNumber()) {
            return v.asDouble() == Double.parseDouble(neutral);
        }
        try {
            return v.equals(OpenAiHttpServer.JSON.readTree(neutral));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String prompt(JsonNode p) {
        if (p == null || p.isNull()) {
            throw badRequest("prompt", "prompt: is required");
        }
        if (p.isTextual()) {
            return p.asText();
        }
        // OpenAI allows a batch of prompts; one request here is one prompt (use n for samples).
        if (p.isArray() && p.size() == 1 && p.get(0).isTextual()) {
            return p.get(0).asText();
        }
        throw badRequest(
                "prompt", "prompt: must be a string (a list of several prompts or token ids is not supported)");
    }

    private static ChatMessages messages(JsonNode m) {
        if (m == null || !m.isArray()) {
            throw badRequest("messages", "messages: must be a list of messages");
        }
        ChatMessages.Builder b = ChatMessages.newBuilder();
        for (int i = 0; i < m.size(); i++) {
            JsonNode msg = m.get(i);
            String field = "messages[" + i + "]";
            if (!msg.isObject() || !msg.path("role").isTextual()) {
                throw badRequest(field, field + ": must be an object with a string 'role'");
            }
            b.addMessages(ChatMessage.newBuilder()
                    .setRole(msg.get("role").asText())
                    .setContent(content(msg.get("content"), field + ".content")));
        }
        return b.build();
    }

    /** A message's content: a string or a list of {@code {"type": "text", "text": ...}} parts. */
    private static String content(JsonNode c, String field) {
        if (c == null || c.isNull()) {
            return "";
        }
        if (c.isTextual()) {
            return c.asText();
        }
        if (c.isArray()) {
            StringBuilder sb = new StringBuilder();
            for (JsonNode part : c) {
                if (!"text".equals(part.path("type").asText())
                        || !part.path("text").isTextual()) {
                    throw badRequest(field, field + ": only text parts are supported");
                }
                sb.append(part.get("text").asText());
            }
            return sb.toString();
        }
        throw badRequest(field, field + ": must be a string or a list of text parts");
    }

    private static boolean present(JsonNode body, String field) {
        JsonNode v = body.get(field);
        return v != null && !v.isNull();
    }

    private static String text(JsonNode body, String field, boolean required) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw badRequest(field, field + ": is required");
            }
            return "";
        }
        if (!v.isTextual()) {
            throw badRequest(field, field + ": must be a string");
        }
        return v.asText();
    }

    private static double number(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (!v.isNumber()) {
            throw badRequest(field, field + ": must be a number");
        }
        return v.asDouble();
    }

    private static int integer(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw badRequest(field, field + ": must be an integer");
        }
        return v.asInt();
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode v = body.get(field);
        if (!v.isBoolean()) {
            throw badRequest(field, field + ": must be true or false");
        }
        return v.asBoolean();
    }
}
