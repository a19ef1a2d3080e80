package dev.r1serve.reward.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.r1serve.proto.v1.AdvantageOptions;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.ScoreRequest;
import dev.r1serve.proto.v1.ScoreResponse;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code ScoreRequest} and {@code ScoreResponse} in the proto JSON mapping (protobuf-java-util's JsonFormat: field
 * names in lowerCamelCase or as in the .proto, enums by name). A body JsonFormat refuses is parsed again rollout by
 * rollout so the error names the field ({@code rollouts[3].group_size: ...}); unknown fields are refused rather than ignored, so a misspelt field is not
 * silently scored as unset.
 */
final class ScoreJson {

    private static final JsonFormat.Parser PARSER = JsonFormat.parser();
    /** Defaults printed too: a total of 0 is a result, not a missing one. */
    private static final JsonFormat.Printer PRINTER =
            JsonFormat.printer().alwaysPrintFieldsWithNoPresence().omittingInsignificantWhitespace();

    private ScoreJson() {}

    /**
     * The whole body through JsonFormat at once, or null when that fails (or finds no rollouts): the caller then
     * parses rollout by rollout to say what is wrong. Valid bodies skip the careful parse's extra JSON tree (one
     * batch of 64 in flight: 0.47 of ScoreStream's rate with it, 0.90 without, in r1 bench reward --http).
     */
    static ScoreRequest parseFast(byte[] body) {
        try {
            String text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
            ScoreRequest.Builder b = ScoreRequest.newBuilder();
            PARSER.merge(text, b);
            return b.getRolloutsCount() == 0 ? null : b.build();
        } catch (CharacterCodingException | InvalidProtocolBufferException | RuntimeException e) {
            return null;
        }
    }

    static ScoreRequest parse(JsonNode root) {
        ScoreRequest.Builder b = ScoreRequest.newBuilder();
        if (!root.has("rollouts"))
            throw HttpProblem.badRequest("rollouts", "rollouts is required (a list of Rollout objects)");
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "rollouts" -> {
                    JsonNode list = e.getValue();
                    if (!list.isArray())
                        throw HttpProblem.badRequest("rollouts", "rollouts must be a list of Rollout objects");
                    for (int i = 0; i < list.size(); i++) {
                        Rollout.Builder r = Rollout.newBuilder();
                        merge(list.get(i), r, "rollouts[" + i + "]");
                        b.addRollouts(r);
                    }
                }
                case "advantage" -> {
                    AdvantageOptions.Builder a = AdvantageOptions.newBuilder();
                    merge(e.getValue(), a, "advantage");
                    b.setAdvantage(a);
                }
                default ->
                    throw HttpProblem.badRequest(
                            e.getKey(), e.getKey() + ": unknown field of ScoreRequest (rollouts, advantage)");
            }
        }
        return b.build();
    }

    /** Merges one JSON object into {@code into}; a JsonFormat refusal becomes a 400 naming {@code field}. */
    static void merge(JsonNode node, Message.Builder into, String field) {
        if (!node.isObject()) throw HttpProblem.badRequest(field, field + " must be a JSON object");
        try {
            PARSER.merge(node.toString(), into);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            String at = locate(node, into.getDescriptorForType(), field);
            throw HttpProblem.badRequest(at, at + ": " + e.getMessage());
        }
    }

    /**
     * The innermost field of {@code node} that JsonFormat refuses ("rollouts[2].reference.tests[0].stdin"), found by
     * parsing each field alone; JsonFormat's own messages do not say where. Runs only on the error path.
     */
    private static String locate(JsonNode node, Descriptors.Descriptor type, String path) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Descriptors.FieldDescriptor f = type.findFieldByName(e.getKey());
            if (f == null)
                f = type.getFields().stream()
                        .filter(d -> d.getJsonName().equals(e.getKey()))
                        .findFirst()
                        .orElse(null);
            if (f == null) return path + "." + e.getKey();
            String at = path + "." + f.getName();
            ObjectNode one = RewardHttpFront.JSON.createObjectNode().set(e.getKey(), e.getValue());
            try {
                PARSER.merge(one.toString(), DynamicMessage.newBuilder(type));
                continue;
            } catch (InvalidProtocolBufferException | RuntimeException refused) {
                // this field is the culprit; look inside it when it is a message or a list of them
            }
            JsonNode v = e.getValue();
            if (f.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE && !f.isMapField()) {
                if (f.isRepeated() && v.isArray()) {
                    for (int i = 0; i < v.size(); i++) {
                        if (!v.get(i).isObject()) return at + "[" + i + "]";
                        try {
                            PARSER.merge(v.get(i).toString(), DynamicMessage.newBuilder(f.getMessageType()));
                        } catch (InvalidProtocolBufferException | RuntimeException refused) {
                            return locate(v.get(i), f.getMessageType(), at + "[" + i + "]");
                        }
                    }
                } else if (v.isObject()) {
                    return locate(v, f.getMessageType(), at);
                }
            }
            return at;
        }
        return path;
    }

    static String print(ScoreResponse response) {
        try {
            return PRINTER.print(response);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a ScoreResponse always prints", e);
        }
    }
}
