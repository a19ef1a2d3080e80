package dev.r1serve.eval.ifeval;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Predicate;

/**
 * One verifiable instruction of an IFEval prompt, with its parameters bound: {@link #follows} is the reference's
 * {@code check_following} for that instruction id (google-research {@code instruction_following_eval}).
 *
 * @param id the instruction id, e.g. {@code length_constraints:number_words}
 * @param kwargs its parameters as given in the data (for the record)
 */
public record Instruction(String id, JsonNode kwargs, Predicate<String> check) {

    /** Whether {@code response} follows the instruction. A blank response follows nothing (as in the reference). */
    public boolean follows(String response) {
        return !PyText.strip(response).isEmpty() && check.test(response);
    }

    /**
     * The instruction {@code id} with {@code kwargs} bound.
     *
     * @throws IllegalArgumentException naming the parameter when the id is unknown or a parameter is missing,
     *     of the wrong type or out of range
     */
    public static Instruction of(String id, JsonNode kwargs) {
        return new Instruction(id, kwargs, Checkers.build(id, kwargs));
    }
}
