package dev.r1serve.reward.sandbox;

/** One test's verdict and the run behind it. */
public record TestOutcome(RunStatus status, RunResult run) {}
