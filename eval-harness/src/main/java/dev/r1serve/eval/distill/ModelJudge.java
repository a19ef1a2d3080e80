package dev.r1serve.eval.distill;

import dev.r1serve.client.R1Client;
import dev.r1serve.eval.sampling.RetryPolicy;
import dev.r1serve.eval.sampling.SampleStream;
import dev.r1serve.proto.v1.ChatMessage;
import dev.r1serve.proto.v1.ChatMessages;
import dev.r1serve.proto.v1.GenerateOptions;
import dev.r1serve.proto.v1.GenerateRequest;
import dev.r1serve.proto.v1.Sample;
import dev.r1serve.proto.v1.SamplingParams;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A second model served by r1-serve that grades answers rules cannot check against their reference, as the
 * paper used DeepSeek-V3 as a judge. The prompt is fixed ({@link #PROMPT}), decoding greedy; the verdict is the
 * last CORRECT or INCORRECT in the judge's answer (after its reasoning). No verdict counts as incorrect.
 */
public final class ModelJudge {

    /** The judge prompt: question, reference, candidate. */
    public static final String PROMPT = """
            You are grading a candidate answer against a reference answer.

            Question:
            %s

            Reference answer:
            %s

            Candidate answer:
            %s

            Does the candidate answer agree with the reference answer? Reply with one word: CORRECT or INCORRECT.""";

    private static final Pattern VERDICT = Pattern.compile("(?i)\\b(INCORRECT|CORRECT)\\b");

    private final R1Client client;
    private final String model;
    private final int maxTokens;
    private final Duration deadline;
    private final RetryPolicy retry;

    public ModelJudge(R1Client client, String model, int maxTokens, Duration deadline, RetryPolicy retry) {
        this.client = client;
        this.model = model;
        this.maxTokens = maxTokens;
        this.deadline = deadline;
        this.retry = retry;
    }

    public String model() {
        return model;
    }

    /** Asks the judge; a failed call is an exception (the sample is retried on resume, not silently rejected). */
    public Check judge(String question, String reference, String answer) {
        GenerateRequest req = GenerateRequest.newBuilder()
                .setModel(model)
                .setSampling(SamplingParams.newBuilder()
                        .setTemperature(0f)
                        .setTopP(1f)
                        .setMaxTokens(maxTokens)
                        .setN(1)
                        .setSeed(0))
                .setChat(ChatMessages.newBuilder()
                        .addMessages(ChatMessage.newBuilder()
                                .setRole("user")
                                .setContent(PROMPT.formatted(question, reference, answer))))
                .setOptions(GenerateOptions.newBuilder().setPrefillThink(true))
                .build();
        Sample s = new SampleStream(client, req, deadline, retry).iterator().next();
        if (!s.getError().isEmpty()) throw new IllegalStateException("judge " + model + " failed: " + s.getError());
        return parse(s.getAnswer().isBlank() && !s.getText().contains("</think>") ? "" : s.getAnswer());
    }

    /** The verdict in a judge's answer: its last CORRECT or INCORRECT. */
    static Check parse(String judgeAnswer) {
        Matcher m = VERDICT.matcher(judgeAnswer);
        String last = null;
        while (m.find()) last = m.group(1);
        String shown = judgeAnswer.strip();
        if (shown.length() > 200) shown = shown.substring(0, 200) + "…";
        if (last == null) return new Check(false, "judge gave no verdict: \"" + shown + "\"");
        return new Check(last.equalsIgnoreCase("CORRECT"), "judge: " + last.toUpperCase(java.util.Locale.ROOT));
    }
}
