package dev.r1serve.eval.ifeval;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.r1serve.eval.benchmark.DataFormatException;
import dev.r1serve.eval.benchmark.JsonlObjects;
import dev.r1serve.eval.benchmark.Question;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * IFEval's data file ({@code input_data.jsonl}: {@code key}, {@code prompt}, {@code instruction_id_list},
 * {@code kwargs}) as benchmark questions. Every instruction is bound on load, so an unknown id or a bad parameter
 * stops the run before sampling, with the line and the field. A question's gold is its instruction list as JSON
 * ({@code [{"id", "kwargs"}]}), which is what the grader checks the answer against.
 */
public final class IfEvalData {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, List<Instruction>> BOUND = new ConcurrentHashMap<>();

    private IfEvalData() {}

    /** The questions of an IFEval file. */
    public static List<Question> parse(String file, byte[] data) {
        List<Question> out = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        JsonlObjects.forEach(file, data, "prompts", (line, n) -> {
            JsonNode key = n.get("key");
            if (key == null || key.isNull()) throw DataFormatException.at(file, line, "missing field \"key\"");
            if (!key.isIntegralNumber() && !key.isTextual())
                throw DataFormatException.at(file, line, "field \"key\" must be an integer or a string");
            String id = key.asText();
            if (!keys.add(id)) throw DataFormatException.at(file, line, "duplicate key " + id);
            JsonNode prompt = n.get("prompt");
            if (prompt == null || !prompt.isTextual() || prompt.asText().isBlank()) {
                throw DataFormatException.at(
                        file,
                        line,
                        prompt == null ? "missing field \"prompt\"" : "field \"prompt\" must be a non-empty string");
            }
            JsonNode ids = n.get("instruction_id_list");
            if (ids == null) throw DataFormatException.at(file, line, "missing field \"instruction_id_list\"");
            if (!ids.isArray() || ids.isEmpty())
                throw DataFormatException.at(
                        file, line, "field \"instruction_id_list\" must be a non-empty array of ids");
            JsonNode kwargs = n.get("kwargs");
            if (kwargs == null) throw DataFormatException.at(file, line, "missing field \"kwargs\"");
            if (!kwargs.isArray() || kwargs.size() != ids.size()) {
                throw DataFormatException.at(
                        file,
                        line,
                        "field \"kwargs\" must be an array with one object per instruction (" + ids.size() + "), got "
                                + (kwargs.isArray() ? kwargs.size() + " entries" : kwargs.getNodeType()));
            }
            ArrayNode gold = JSON.createArrayNode();
            for (int i = 0; i < ids.size(); i++) {
                if (!ids.get(i).isTextual())
                    throw DataFormatException.at(
                            file, line, "field \"instruction_id_list[" + i + "]\" must be a string");
                String iid = ids.get(i).asText();
                try {
                    Instruction.of(iid, kwargs.get(i));
                } catch (IllegalArgumentException e) {
                    String msg = e.getMessage();
                    String where = msg.startsWith("instruction_id_list")
                            ? "instruction_id_list[" + i + "]" + msg.substring("instruction_id_list".length())
                            : "kwargs[" + i + "]" + msg.substring("kwargs".length());
                    throw DataFormatException.at(
                            file,
                            line,
                            "field \"" + where.substring(0, where.indexOf(':')) + "\""
                                    + where.substring(where.indexOf(':')));
                }
                gold.addObject()
                        .put("id", iid)
                        .set("kwargs", kwargs.get(i).isNull() ? JSON.createObjectNode() : kwargs.get(i));
            }
            out.add(new Question(
                    id,
                    prompt.asText(),
                    gold.toString(),
                    List.of(),
                    Map.of("instructions", Integer.toString(ids.size()))));
        });
        return out;
    }

    /** The bound instructions of a question's gold (cached: every sample of a question has the same gold). */
    public static List<Instruction> instructions(String gold) {
        return BOUND.computeIfAbsent(gold, g -> {
            try {
                List<Instruction> list = new ArrayList<>();
                for (JsonNode in : JSON.readTree(g))
                    list.add(Instruction.of(in.get("id").asText(), in.get("kwargs")));
                return List.copyOf(list);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("not an IFEval instruction list: " + g, e);
            }
        });
    }
}
