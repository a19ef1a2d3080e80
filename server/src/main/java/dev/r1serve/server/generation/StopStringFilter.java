package dev.r1serve.server.generation;

import java.util.List;

/**
 * Cuts generated text at the first stop string, holding back any tail that could still grow into one,
 * so a stop string never reaches the caller, not even partially.
 */
public final class StopStringFilter {

    private final List<String> stops;
    private final int maxStopLength;
    private final StringBuilder pending = new StringBuilder();
    private boolean matched;

    public StopStringFilter(List<String> stops) {
        this.stops = stops.stream().filter(s -> !s.isEmpty()).toList();
        this.maxStopLength = this.stops.stream().mapToInt(String::length).max().orElse(0);
    }

    /** Adds generated text; returns the text that is now safe to emit (possibly empty). */
    public String accept(String text) {
        if (matched) {
            return "";
        }
        if (stops.isEmpty()) {
            return text;
        }
        pending.append(text);
        int cut = firstMatch();
        if (cut >= 0) {
            matched = true;
            String out = pending.substring(0, cut);
            pending.setLength(0);
            return out;
        }
        int keep = longestSuffixThatIsStopPrefix();
        String out = pending.substring(0, pending.length() - keep);
        pending.delete(0, pending.length() - keep);
        return out;
    }

    /** Whether a stop string was found; the sequence should end. */
    public boolean matched() {
        return matched;
    }

    /** At the end of generation: the held-back tail was not a stop string after all. */
    public String flush() {
        String out = pending.toString();
        pending.setLength(0);
        return out;
    }

    private int firstMatch() {
        int best = -1;
        for (String s : stops) {
            int i = pending.indexOf(s);
            if (i >= 0 && (best < 0 || i < best)) {
                best = i;
            }
        }
        return best;
    }

    private int longestSuffixThatIsStopPrefix() {
        int max = Math.min(maxStopLength - 1, pending.length());
        for (int k = max; k > 0; k--) {
            int from = pending.length() - k;
            for (String s : stops) {
                if (s.length() > k && pending.indexOf(s.substring(0, k), from) == from) {
                    return k;
                }
            }
        }
        return 0;
    }
}
