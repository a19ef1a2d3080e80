package dev.r1serve.reward.verify.extract;

/** One possible answer found in a text, with the extraction rule that found it (e.g. "boxed"). */
public record Candidate(String text, String method) {}
