package dev.r1serve.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;

/** Rounds of a run-directory benchmark (bench eval, bench distill): one warm-up, then the median of the measured ones. */
final class BenchRounds {

    /** One round in a fresh temporary run directory; returns samples per second and prints its own line. */
    interface Round {
        double run(Path dir, int round) throws Exception;
    }

    private BenchRounds() {}

    /** Runs a warm-up and {@code rounds} measured rounds and returns the median rate. */
    static double median(int rounds, String tmpPrefix, Round round) throws Exception {
        if (rounds < 1) throw new IllegalArgumentException("--rounds must be >= 1, got " + rounds);
        double[] rates = new double[rounds];
        for (int r = -1; r < rounds; r++) {
            Path dir = Files.createTempDirectory(tmpPrefix);
            try {
                double rate = round.run(dir, r + 1);
                if (r >= 0) rates[r] = rate;
            } finally {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
                }
            }
        }
        Arrays.sort(rates);
        return rates[rates.length / 2];
    }

    /** "round N: ..." for measured rounds; nothing for the warm-up (round 0). */
    static void print(int round, String format, Object... args) {
        if (round > 0) System.out.printf(Locale.ROOT, "round %d: " + format + "%n", prepend(round, args));
    }

    private static Object[] prepend(int round, Object[] args) {
        Object[] out = new Object[args.length + 1];
        out[0] = round;
        System.arraycopy(args, 0, out, 1, args.length);
        return out;
    }
}
