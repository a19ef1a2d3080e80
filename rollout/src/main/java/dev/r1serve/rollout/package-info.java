/**
 * {@code r1.v1.RolloutService}: a trainer's GRPO sampling and scoring in one streaming call. Each
 * {@code RolloutRequest} becomes one generation of G = n samples through the server's
 * {@code GenerationService} (validation, admission, priorities, deadlines as {@code Generate}); each sample is
 * scored by the RewardService's {@code RewardScorer} (sandbox included) and the complete group, with GRPO
 * advantages, streams back. Mounted by {@code r1 serve --rewards} via {@link dev.r1serve.rollout.RolloutService#factory}.
 */
package dev.r1serve.rollout;
