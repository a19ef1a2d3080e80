package dev.r1serve.eval.distill;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns the recorded responses into the outputs: SFT records, rejections with reasons, and the summary. Pure and
 * deterministic (prompts in set order, responses by sample index), so a resumed or merged run writes the same
 * files as an uninterrupted one.
 */
public final class Selection {

    private Selection() {}

    /** One SFT record of {@code sft.jsonl}: the conversation with the response as the assistant turn. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SftRecord(
            String id,
            @JsonProperty("prompt_id") String promptId,
            int sample,
            String task,
            boolean reasoning,
            List<DistillPrompt.Message> messages,
            @JsonProperty("completion_tokens") int completionTokens) {}

    /** One line of {@code rejected.jsonl}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rejection(
            String id,
            @JsonProperty("prompt_id") String promptId,
            int sample,
            String reason,
            List<Filters.Failure> failed,
            @JsonProperty("finish_reason") String finishReason,
            String text) {}

    /** The outputs. */
    public record Outcome(List<SftRecord> kept, List<Rejection> rejected, DistillSummary summary) {}

    /** The assistant turn of an SFT record: R1's response format. */
    public static String assistantTurn(DistillRecord r) {
        return "<think>\n" + r.reasoning() + "\n</think>\n\n" + r.answer();
    }

    public static Outcome select(
            List<DistillPrompt> prompts, List<DistillRecord> records, FilterConfig filters, KeepPolicy keep) {
        Map<String, Map<Integer, DistillRecord>> byPrompt = new HashMap<>();
        for (DistillRecord r : records)
            byPrompt.computeIfAbsent(r.promptId(), x -> new java.util.TreeMap<>())
                    .putIfAbsent(r.sample(), r);
        List<SftRecord> kept = new ArrayList<>();
        List<Rejection> rejected = new ArrayList<>();
        Map<String, Integer> byReason = zeros(), tripped = zeros();
        Map<String, Integer> perPrompt = new LinkedHashMap<>();
        Map<String, String> firstWithHash = new HashMap<>();
        int samples = 0, nonReasoningKept = 0;
        long sampledTokens = 0, keptTokens = 0;
        for (DistillPrompt p : prompts) {
            List<DistillRecord> passing = new ArrayList<>();
            for (DistillRecord r : byPrompt.getOrDefault(p.id(), Map.of()).values()) {
                samples++;
                sampledTokens += r.completionTokens();
                List<Filters.Failure> failed = Filters.apply(filters, p, r);
                if (failed.isEmpty()) {
                    passing.add(r);
                } else {
                    rejected.add(reject(r, failed, byReason, tripped));
                }
            }
            if (keep == KeepPolicy.BEST) {
                passing.sort(Comparator.comparingDouble(DistillRecord::languageConsistency)
                        .reversed()
                        .thenComparingInt(DistillRecord::completionTokens)
                        .thenComparingInt(DistillRecord::sample));
            }
            int n = 0;
            for (DistillRecord r : passing) {
                String id = r.promptId() + "#" + r.sample();
                if (filters.deduplicate()) {
                    String first = firstWithHash.putIfAbsent(normalizedHash(r), id);
                    if (first != null) {
                        rejected.add(reject(
                                r,
                                List.of(new Filters.Failure(Filters.DUPLICATE, "same text as " + first)),
                                byReason,
                                tripped));
                        continue;
                    }
                }
                if (keep == KeepPolicy.BEST && n > 0) {
                    rejected.add(reject(
                            r,
                            List.of(new Filters.Failure(Filters.SURPLUS, "another response of the prompt was kept")),
                            byReason,
                            tripped));
                    continue;
                }
                List<DistillPrompt.Message> messages = new ArrayList<>(p.messages());
                messages.add(new DistillPrompt.Message("assistant", assistantTurn(r)));
                kept.add(new SftRecord(
                        id,
                        p.id(),
                        r.sample(),
                        p.task().label(),
                        p.task().reasoning(),
                        messages,
                        r.completionTokens()));
                keptTokens += r.completionTokens();
                if (!p.task().reasoning()) nonReasoningKept++;
                n++;
            }
            perPrompt.put(p.id(), n);
        }
        // rejections in prompt order, then sample order, whichever step rejected them
        Map<String, Integer> order = new HashMap<>();
        for (int i = 0; i < prompts.size(); i++) order.put(prompts.get(i).id(), i);
        rejected.sort(Comparator.comparingInt((Rejection x) -> order.get(x.promptId()))
                .thenComparingInt(Rejection::sample));
        int promptsWithKept =
                (int) perPrompt.values().stream().filter(v -> v > 0).count();
        DistillSummary summary = new DistillSummary(
                prompts.size(),
                samples,
                kept.size(),
                rejected.size(),
                nonReasoningKept,
                byReason,
                tripped,
                promptsWithKept,
                prompts.isEmpty() ? 0 : (double) kept.size() / prompts.size(),
                perPrompt,
                sampledTokens,
                keptTokens);
        return new Outcome(kept, rejected, summary);
    }

    private static Rejection reject(
            DistillRecord r,
            List<Filters.Failure> failed,
            Map<String, Integer> byReason,
            Map<String, Integer> tripped) {
        byReason.merge(failed.get(0).filter(), 1, Integer::sum);
        for (Filters.Failure f : failed) tripped.merge(f.filter(), 1, Integer::sum);
        return new Rejection(
                r.promptId() + "#" + r.sample(),
                r.promptId(),
                r.sample(),
                failed.get(0).filter(),
                failed,
                r.finishReason(),
                r.text());
    }

    private static Map<String, Integer> zeros() {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (String f : Filters.ALL) m.put(f, 0);
        return m;
    }

    /** SHA-256 of the response with case and runs of whitespace normalized. */
    static String normalizedHash(DistillRecord r) {
        String norm = (r.reasoning() + "\n" + r.answer())
                .toLowerCase(Locale.ROOT)
                .replaceAll("\\s+", " ")
                .strip();
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(norm.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
