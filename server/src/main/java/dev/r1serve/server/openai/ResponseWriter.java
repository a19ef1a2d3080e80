package dev.r1serve.server.openai;

import static dev.r1serve.server.openai.OpenAiHttpServer.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.server.chat.ReasoningSplit;
import dev.r1serve.server.generation.GenerationRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.IntFunction;

/** Builds OpenAI response bodies and stream chunks for one request. */
final class ResponseWriter {

    private final String id;
    private final GenerationRequest valid;
    private final OpenAiRequest request;
    private final long created = System.currentTimeMillis() / 1000;
    /** A token's bytes as text, or null where the engine names tokens by id only. */
    private final IntFunction<byte[]> tokenBytes;

    ResponseWriter(String id, GenerationRequest valid, OpenAiRequest request, IntFunction<byte[]> tokenBytes) {
        this.id = id;
        this.valid = valid;
        this.request = request;
        this.tokenBytes = tokenBytes;
    }

    boolean chat() {
        return request.chat();
    }

    boolean thinkPrefilled() {
        return valid.input() instanceof GenerationRequest.Chat c && c.prefillThink();
    }

    /**
     * OpenAI's finish reasons: EOS and stop strings are both "stop" (vLLM's stop_reason tells them apart). A chat
     * sample that ended at end-of-sequence with its reasoning never closed has no answer: it is reported as
     * "length" (the output is incomplete; a client may retry with more tokens), so an empty {@code content} is
     * never an unexplained "stop". A stop string the caller chose stays "stop".
     */
    String finishReason(Sample s) {
        if (request.chat() && s.getFinishReason() == dev.r1serve.proto.v1.FinishReason.FINISH_REASON_EOS) {
            ReasoningSplit split = ReasoningSplit.of(s.getText(), thinkPrefilled());
            if (split.hadReasoning() && !split.closed()) {
                return "length";
            }
        }
        return plainFinishReason(s);
    }

    private static String plainFinishReason(Sample s) {
        return switch (s.getFinishReason()) {
            case FINISH_REASON_STOP, FINISH_REASON_EOS -> "stop";
            case FINISH_REASON_LENGTH -> "length";
            case FINISH_REASON_CANCELLED -> "abort";
            default -> "error";
        };
    }

    /**
     * vLLM's {@code stop_reason}: null at end-of-sequence, non-null when a stop string ended the sample.
     * The engine does not say which string matched, so a single one is named and several are not.
     */
    private void stopReason(ObjectNode choice, Sample s) {
        if (s.getFinishReason() == dev.r1serve.proto.v1.FinishReason.FINISH_REASON_STOP) {
            choice.put(
                    "stop_reason",
                    valid.sampling().stop().size() == 1
                            ? valid.sampling().stop().get(0)
                            : "stop_string");
        } else {
            choice.putNull("stop_reason");
        }
        if (!s.getError().isEmpty()) {
            choice.put("error", s.getError());
        }
    }

    private ObjectNode envelope(boolean chunk) {
        String object = request.chat() ? (chunk ? "chat.completion.chunk" : "chat.completion") : "text_completion";
        return JSON.createObjectNode()
                .put("id", id)
                .put("object", object)
                .put("created", created)
                .put("model", valid.model());
    }

    /** The whole, non-streamed answer. */
    ObjectNode whole(List<Sample> samples) {
        ObjectNode out = envelope(false);
        ArrayNode choices = out.putArray("choices");
        for (Sample s : samples) {
            ObjectNode c = choices.addObject().put("index", s.getIndex());
            if (request.chat()) {
                ObjectNode m = c.putObject("message").put("role", "assistant").put("content", s.getAnswer());
                if (s.getReasoning().isEmpty()) {
                    m.putNull("reasoning_content");
                } else {
                    m.put("reasoning_content", s.getReasoning());
                }
            } else {
                c.put("text", s.getText());
            }
            logprobs(c, s);
            if (request.proto().getOptions().getReturnTokenIds()) {
                ArrayNode ids = c.putArray("token_ids");
                s.getTokenIdsList().forEach(ids::add);
                ArrayNode promptIds = c.putArray("prompt_token_ids");
                s.getPromptTokenIdsList().forEach(promptIds::add);
            }
            c.put("finish_reason", finishReason(s));
            stopReason(c, s);
            c.put("seed", s.getSeed());
        }
        usage(out, samples);
        return out;
    }

    /**
     * The sample's log-probabilities as OpenAI and vLLM write them: completions {@code {tokens, token_logprobs,
     * top_logprobs}}, chat {@code {content: [{token, logprob, bytes, top_logprobs}]}}. Tokens are their text
     * where the engine can render them (a token ending inside a character shows the replacement character, its
     * {@code bytes} stay exact), else {@code token_id:N} as vLLM's {@code return_tokens_as_token_ids} names them.
     */
    private void logprobs(ObjectNode c, Sample s) {
        if (!request.proto().getOptions().getReturnLogprobs()) {
            if (!request.chat()) {
                c.putNull("logprobs");
            }
            return;
        }
        ObjectNode lp = c.putObject("logprobs");
        if (request.chat()) {
            ArrayNode content = lp.putArray("content");
            for (var t : s.getLogprobsList()) {
                ObjectNode e = token(content.addObject(), t.getTokenId()).put("logprob", t.getLogprob());
                ArrayNode top = e.putArray("top_logprobs");
                t.getTopList()
                        .forEach(a -> token(top.addObject(), a.getTokenId()).put("logprob", a.getLogprob()));
            }
        } else {
            ArrayNode tokens = lp.putArray("tokens");
            ArrayNode values = lp.putArray("token_logprobs");
            ArrayNode tops = lp.putArray("top_logprobs");
            for (var t : s.getLogprobsList()) {
                tokens.add(tokenName(t.getTokenId()));
                values.add(t.getLogprob());
                ObjectNode top = tops.addObject();
                // a map by token text: of two ids that read the same, the more likely one is kept (as OpenAI's)
                t.getTopList().forEach(a -> {
                    String name = tokenName(a.getTokenId());
                    if (!top.has(name)) top.put(name, a.getLogprob());
                });
            }
        }
        c.put("logprobs_mode", s.getLogprobsMode());
    }

    private String tokenName(int tokenId) {
        byte[] bytes = tokenBytes.apply(tokenId);
        return bytes == null ? "token_id:" + tokenId : new String(bytes, StandardCharsets.UTF_8);
    }

    /** Chat's {@code token} and {@code bytes} (null where the engine names tokens by id). */
    private ObjectNode token(ObjectNode entry, int tokenId) {
        byte[] bytes = tokenBytes.apply(tokenId);
        if (bytes == null) {
            return entry.put("token", "token_id:" + tokenId).putNull("bytes");
        }
        entry.put("token", new String(bytes, StandardCharsets.UTF_8));
        ArrayNode b = entry.putArray("bytes");
        for (byte x : bytes) {
            b.add(x & 0xFF);
        }
        return entry;
    }

    /** A chunk carrying new text of sample {@code index} (chat: split into reasoning and content). */
    ObjectNode delta(int index, String reasoning, String content, boolean first) {
        ObjectNode out = envelope(true);
        ObjectNode c = out.putArray("choices").addObject().put("index", index);
        if (request.chat()) {
            ObjectNode d = c.putObject("delta");
            if (first) {
                d.put("role", "assistant");
            }
            if (!reasoning.isEmpty()) {
                d.put("reasoning_content", reasoning);
            }
            if (!content.isEmpty()) {
                d.put("content", content);
            }
        } else {
            c.put("text", content);
            c.putNull("logprobs");
        }
        c.putNull("finish_reason");
        return out;
    }

    /** The last chunk of a sample: its finish reason and seed (and its usage when asked for). */
    ObjectNode last(Sample s) {
        ObjectNode out = envelope(true);
        ObjectNode c = out.putArray("choices").addObject().put("index", s.getIndex());
        if (request.chat()) {
            c.putObject("delta");
        } else {
            c.put("text", "");
            c.putNull("logprobs");
        }
        c.put("finish_reason", finishReason(s));
        stopReason(c, s);
        c.put("seed", s.getSeed());
        return out;
    }

    /** The chunk after the last sample when {@code stream_options.include_usage} is set. */
    ObjectNode usageChunk(List<Sample> samples) {
        ObjectNode out = envelope(true);
        out.putArray("choices");
        usage(out, samples);
        return out;
    }

    private static void usage(ObjectNode out, List<Sample> samples) {
        // Every sample evaluates the prompt; OpenAI counts the prompt once per request.
        int prompt = samples.isEmpty() ? 0 : samples.get(0).getUsage().getPromptTokens();
        int completion = samples.stream()
                .mapToInt(s -> s.getUsage().getCompletionTokens())
                .sum();
        int reasoning = samples.stream()
                .mapToInt(s -> s.getUsage().getReasoningTokens())
                .sum();
        ObjectNode u = out.putObject("usage")
                .put("prompt_tokens", prompt)
                .put("completion_tokens", completion)
                .put("total_tokens", prompt + completion);
        u.putObject("completion_tokens_details").put("reasoning_tokens", reasoning);
    }
}
