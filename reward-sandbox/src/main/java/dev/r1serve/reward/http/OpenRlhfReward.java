package dev.r1serve.reward.http;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.r1serve.proto.v1.Reference;
import dev.r1serve.proto.v1.RewardValue;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutResult;
import dev.r1serve.proto.v1.ScoreRequest;
import dev.r1serve.proto.v1.ScoreResponse;
import dev.r1serve.proto.v1.TaskType;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * OpenRLHF's remote reward model protocol ({@code --remote_rm_url http://HOST:PORT/openrlhf/reward}), as
 * {@code openrlhf/utils/remote_rm_utils.py} speaks it (read at commit 9b8641c1 and later: {@code remote_rm_fn(api_url,
 * queries, prompts, labels)} posts {@code {"query": [...], "prompts": [...], "labels": [...]}} and reads
 * {@code rewards}; newer trainers also read {@code scores} and {@code extra_logs}, as the example
 * {@code reward_func} returns them).
 *
 * <ul>
 *   <li>{@code query[i]} is the prompt and the response as one text (decoded with special tokens kept). The
 *       completion is what follows the first occurrence of {@code prompts[i]} in it (so padding or a BOS before
 *       the prompt does not matter), less trailing end-of-sequence and padding tokens of the DeepSeek-R1, Qwen
 *       and Llama tokenizers.</li>
 *   <li>{@code labels[i]}: a plain string is the gold answer of a math task; a JSON object (or a string holding
 *       one) names the task: {@code {"task_type": "math|choice|code|format_only", "answer": ..., "tests": [...],
 *       "language": ..., "target_language": ..., "weights": {...}}}, the fields of {@code Reference} and
 *       {@code Rollout} in proto JSON; blank, null or absent labels score format (and length) only.</li>
 *   <li>The response: {@code rewards} (each total), {@code scores} (accuracy, 0..1, for dynamic filtering; the
 *       total where there is no accuracy reward) and {@code extra_logs} (each reward's per-sample values).</li>
 * </ul>
 */
final class OpenRlhfReward {

    /** End-of-sequence and padding tokens that decoding with special tokens leaves after the response. */
    private static final List<String> TRAILING_TOKENS = List.of(
            "<｜end▁of▁sentence｜>",
            "<|endoftext|>",
            "<|im_end|>",
            "<|eot_id|>",
            "<|end_of_text|>",
            "</s>",
            "<pad>",
            "<|pad|>");

    private static final Set<String> LABEL_FIELDS =
            Set.of("task_type", "answer", "tests", "language", "target_language", "weights");
    private static final Pattern ROLLOUT_FIELD = Pattern.compile("^rollouts\\[(\\d+)]\\.?([a-z_.\\[\\]0-9]*)");

    private OpenRlhfReward() {}

    static ScoreRequest toRequest(JsonNode root) {
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!Set.of("query", "prompts", "labels").contains(k)) {
                throw HttpProblem.badRequest(k, k + ": unknown field (query, prompts, labels)");
            }
        }
        List<String> queries = strings(root, "query", -1);
        List<String> prompts = strings(root, "prompts", queries.size());
        JsonNode labels = root.get("labels");
        if (labels != null && !labels.isNull()) {
            if (!labels.isArray()) throw HttpProblem.badRequest("labels", "labels must be a list");
            if (labels.size() != queries.size()) {
                throw HttpProblem.badRequest(
                        "labels", "labels has " + labels.size() + " entries, query has " + queries.size());
            }
        }
        ScoreRequest.Builder req = ScoreRequest.newBuilder();
        for (int i = 0; i < queries.size(); i++) {
            String query = queries.get(i);
            String prompt = prompts.get(i);
            int at = query.indexOf(prompt);
            if (at < 0) {
                throw HttpProblem.badRequest(
                        "prompts[" + i + "]",
                        "prompts[" + i + "]: not found in query[" + i
                                + "] (query must be the prompt followed by the response)");
            }
            // Each sample is a group of its own: OpenRLHF computes its advantages itself.
            Rollout.Builder r = Rollout.newBuilder()
                    .setId(Integer.toString(i))
                    .setGroupId(Integer.toString(i))
                    .setGroupSize(1)
                    .setPrompt(prompt)
                    .setCompletion(stripTrailingTokens(query.substring(at + prompt.length())));
            label(r, labels == null ? null : labels.get(i), "labels[" + i + "]");
            req.addRollouts(r);
        }
        return req.build();
    }

    private static List<String> strings(JsonNode root, String field, int expected) {
        JsonNode list = root.get(field);
        if (list == null || list.isNull()) {
            throw HttpProblem.badRequest(field, field + " is required (a list of strings)");
        }
        if (!list.isArray()) throw HttpProblem.badRequest(field, field + " must be a list of strings");
        if (expected >= 0 && list.size() != expected) {
            throw HttpProblem.badRequest(field, field + " has " + list.size() + " entries, query has " + expected);
        }
        for (int i = 0; i < list.size(); i++) {
            if (!list.get(i).isTextual())
                throw HttpProblem.badRequest(field + "[" + i + "]", field + "[" + i + "] must be a string");
        }
        return java.util.stream.StreamSupport.stream(list.spliterator(), false)
                .map(JsonNode::asText)
                .toList();
    }

    static String stripTrailingTokens(String completion) {
        String s = completion;
        boolean more = true;
        while (more) {
            more = false;
            String t = s.stripTrailing();
            for (String tok : TRAILING_TOKENS) {
                if (t.endsWith(tok)) {
                    s = t.substring(0, t.length() - tok.length());
                    more = true;
                }
            }
        }
        return s;
    }

    /** Applies {@code labels[i]} to the rollout (see the class comment for the mapping). */
    private static void label(Rollout.Builder r, JsonNode label, String field) {
        if (label != null && label.isTextual() && label.asText().strip().startsWith("{")) {
            try {
                label = RewardHttpFront.JSON.readTree(label.asText());
            } catch (JacksonException e) {
                throw HttpProblem.badRequest(
                        field, field + ": starts with '{' but is not a JSON object: " + e.getOriginalMessage());
            }
        }
        if (label == null
                || label.isNull()
                || (label.isTextual() && label.asText().isBlank())) {
            r.setTaskType(TaskType.TASK_TYPE_FORMAT_ONLY);
            return;
        }
        if (label.isTextual() || label.isNumber()) {
            r.setTaskType(TaskType.TASK_TYPE_MATH)
                    .setReference(Reference.newBuilder().setAnswer(label.asText()));
            return;
        }
        if (!label.isObject()) {
            throw HttpProblem.badRequest(
                    field, field + " must be a gold answer (string) or a label object with task_type");
        }
        ObjectNode rollout = RewardHttpFront.JSON.createObjectNode();
        ObjectNode reference = rollout.putObject("reference");
        for (Iterator<Map.Entry<String, JsonNode>> it = label.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "task_type" -> r.setTaskType(taskType(e.getValue(), field + ".task_type"));
                case "answer", "tests", "language" -> reference.set(e.getKey(), e.getValue());
                case "target_language", "weights" -> rollout.set(e.getKey(), e.getValue());
                default ->
                    throw HttpProblem.badRequest(
                            field + "." + e.getKey(),
                            field + "." + e.getKey() + ": unknown label field "
                                    + new java.util.TreeSet<>(LABEL_FIELDS));
            }
        }
        if (!label.has("task_type")) {
            throw HttpProblem.badRequest(
                    field + ".task_type",
                    field + ".task_type is required in a label object (math, choice, code, format_only)");
        }
        ScoreJson.merge(rollout, r, field);
    }

    private static TaskType taskType(JsonNode v, String field) {
        String name = v.isTextual() ? v.asText().strip().toUpperCase(Locale.ROOT) : "";
        if (name.startsWith("TASK_TYPE_")) name = name.substring("TASK_TYPE_".length());
        return switch (name) {
            case "MATH" -> TaskType.TASK_TYPE_MATH;
            case "CHOICE" -> TaskType.TASK_TYPE_CHOICE;
            case "CODE" -> TaskType.TASK_TYPE_CODE;
            case "FORMAT_ONLY" -> TaskType.TASK_TYPE_FORMAT_ONLY;
            default ->
                throw HttpProblem.badRequest(
                        field, field + ": unknown task type " + v + " (math, choice, code, format_only)");
        };
    }

    static ObjectNode toResponse(ScoreResponse response) {
        ObjectNode out = RewardHttpFront.JSON.createObjectNode();
        ArrayNode rewards = out.putArray("rewards");
        ArrayNode scores = out.putArray("scores");
        Set<String> names = new LinkedHashSet<>();
        for (RolloutResult r : response.getResultsList()) {
            rewards.add(r.getTotal());
            scores.add(value(r, "accuracy", r.getTotal()));
            r.getRewardsList().forEach(v -> names.add(v.getName()));
        }
        ObjectNode logs = out.putObject("extra_logs");
        for (String name : names) {
            ArrayNode values = logs.putArray(name);
            for (RolloutResult r : response.getResultsList()) values.add(value(r, name, 0));
        }
        return out;
    }

    private static double value(RolloutResult r, String name, double otherwise) {
        for (RewardValue v : r.getRewardsList()) if (v.getName().equals(name)) return v.getValue();
        return otherwise;
    }

    /** The service's field names ({@code rollouts[3].reference.answer}) as this protocol's ({@code labels[3].answer}). */
    static HttpProblem renamed(HttpProblem p) {
        if (p.field() == null) return p;
        Matcher m = ROLLOUT_FIELD.matcher(p.field());
        if (!m.find()) return p;
        String i = m.group(1);
        String rest = m.group(2);
        String to;
        if (rest.startsWith("completion")) to = "query[" + i + "]";
        else if (rest.startsWith("prompt")) to = "prompts[" + i + "]";
        else if (rest.startsWith("reference.")) to = "labels[" + i + "]." + rest.substring("reference.".length());
        else to = "labels[" + i + "]" + (rest.isEmpty() ? "" : "." + rest);
        String msg = p.getMessage().replace(m.group(0), to);
        return new HttpProblem(p.status(), to, msg, p.retryAfterSeconds());
    }
}
