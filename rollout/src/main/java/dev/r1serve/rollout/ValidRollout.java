package dev.r1serve.rollout;

import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.Rollout;
import dev.r1serve.proto.v1.RolloutRequest;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.reward.Grpo;
import dev.r1serve.reward.grpc.RolloutValidator;
import dev.r1serve.server.error.ServerException;
import dev.r1serve.server.generation.GenerationRequest;
import dev.r1serve.server.validation.RequestValidator;
import io.grpc.StatusRuntimeException;

/**
 * A {@code RolloutRequest} that passed every check before any work: its generation as the server's validator made
 * it (field names prefixed {@code generate.}), the rollout every sample will be scored as (all but the completion,
 * checked by the RewardService's own validator) and the group's advantage options.
 */
record ValidRollout(String id, GenerationRequest generation, Rollout scoring, Grpo.Options advantage) {

    /** Longest request id accepted, in chars. */
    static final int MAX_ID_CHARS = 256;

    /**
     * @throws ServerException.InvalidField naming the field (or another refusal of the validator: model not found)
     */
    static ValidRollout of(RolloutRequest r, RequestValidator validator, Grpo.Options defaultAdvantage) {
        if (r.getId().isEmpty()) throw new ServerException.InvalidField("id", "is required");
        if (r.getId().length() > MAX_ID_CHARS) {
            throw new ServerException.InvalidField(
                    "id",
                    "at most " + MAX_ID_CHARS + " characters, got " + r.getId().length());
        }
        if (!r.hasGenerate()) throw new ServerException.InvalidField("generate", "is required");
        GenerateRequest g = r.getGenerate();
        GenerationRequest generation;
        try {
            // A trainer's loss needs the sampled token ids: always returned where the model's engine has them.
            if (validator.model(g.getModel()).engine().capabilities().tokenIds()) {
                g = g.toBuilder()
                        .setOptions(GenerateOptions.newBuilder(g.getOptions()).setReturnTokenIds(true))
                        .build();
            }
            generation = validator.validate(g);
        } catch (ServerException.InvalidField | ServerException.Unsupported e) {
            throw underGenerate(e, g.getModel());
        }
        Rollout scoring = Rollout.newBuilder()
                .setId(r.getId())
                .setGroupId(r.getId())
                .setGroupSize(generation.n())
                .setTaskType(r.getTaskType())
                .setReference(r.getReference())
                .setTargetLanguage(r.getTargetLanguage())
                .setWeights(r.getWeights())
                .build();
        Grpo.Options advantage;
        try {
            RolloutValidator.validate(scoring, "");
            advantage = RolloutValidator.advantage(r.getAdvantage(), r.hasAdvantage(), defaultAdvantage);
        } catch (StatusRuntimeException e) {
            throw invalidField(e);
        }
        return new ValidRollout(r.getId(), generation, scoring, advantage);
    }

    /** Sample {@code sample} of this group as the RewardService would be sent it. */
    Rollout rollout(Sample sample, String renderedPrompt) {
        return scoring.toBuilder()
                .setId(id + "#" + sample.getIndex())
                .setPrompt(renderedPrompt)
                .setCompletion(sample.getText())
                .build();
    }

    /** A refusal of the server's validator, with the field named as in the RolloutRequest. */
    static ServerException underGenerate(ServerException e, String model) {
        return switch (e) {
            case ServerException.InvalidField f ->
                new ServerException.InvalidField(
                        "generate." + f.field(),
                        f.getMessage().substring(f.field().length() + 2));
            case ServerException.PromptTooLong p ->
                new ServerException.PromptTooLong("generate." + p.field(), model, p.promptTokens(), p.contextLength());
            case ServerException.Unsupported u ->
                new ServerException.Unsupported(
                        "generate." + u.field(),
                        u.getMessage().substring(u.field().length() + 2));
            default -> e;
        };
    }

    /**
     * The RewardService validator's INVALID_ARGUMENT ("{field} {problem}", fields here without a prefix) as the
     * server's InvalidField, so the refusal carries ErrorInfo INVALID_FIELD with the field, like every other.
     */
    private static ServerException.InvalidField invalidField(StatusRuntimeException e) {
        String m = e.getStatus().getDescription() == null
                ? "request is invalid"
                : e.getStatus().getDescription();
        if (m.startsWith(".")) m = m.substring(1);
        int space = m.indexOf(' ');
        String field = space < 0 ? m : m.substring(0, space);
        if (field.endsWith(":")) field = field.substring(0, field.length() - 1);
        return new ServerException.InvalidField(field, space < 0 ? "is invalid" : m.substring(space + 1));
    }
}
