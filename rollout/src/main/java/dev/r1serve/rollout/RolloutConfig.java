package dev.r1serve.rollout;

import dev.r1serve.reward.Grpo;

/**
 * Settings of the RolloutService.
 *
 * @param maxGroupsInFlight groups one stream may have sampling, scoring or waiting to be sent; the next request
 *     beyond ends the call with RESOURCE_EXHAUSTED
 * @param advantage GRPO normalization for requests that leave {@code advantage} unset
 */
public record RolloutConfig(int maxGroupsInFlight, Grpo.Options advantage) {

    /** Groups in flight per stream by default: a trainer's batch of prompts, well past what the engines run at once. */
    public static final int DEFAULT_MAX_GROUPS_IN_FLIGHT = 128;

    /** 128 groups in flight per stream, population std with eps 1e-6. */
    public static final RolloutConfig DEFAULT = new RolloutConfig(DEFAULT_MAX_GROUPS_IN_FLIGHT, Grpo.Options.DEFAULT);

    public RolloutConfig {
        if (maxGroupsInFlight < 1) {
            throw new IllegalArgumentException("maxGroupsInFlight: " + maxGroupsInFlight + " (expected: >= 1)");
        }
        if (advantage == null) throw new IllegalArgumentException("advantage is required");
    }

    public RolloutConfig withMaxGroupsInFlight(int n) {
        return new RolloutConfig(n, advantage);
    }
}
