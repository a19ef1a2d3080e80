package dev.r1serve.eval;

import java.util.List;

/**
 * One of {@code count} disjoint parts of a benchmark: the questions whose position (after {@code --limit})
 * modulo {@code count} is {@code index}. Seeds depend on question ids, not positions, so the shards of a
 * run together hold exactly the samples of the unsharded run (see {@code r1 eval merge}).
 */
public record Shard(int index, int count) {

    /** The whole benchmark. */
    public static final Shard ALL = new Shard(0, 1);

    public Shard {
        if (count < 1 || index < 0 || index >= count) {
            throw new IllegalArgumentException("shard must be i/N with 0 <= i < N, got " + index + "/" + count);
        }
    }

    /** Parses {@code i/N}. */
    public static Shard parse(String s) {
        String[] parts = s.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("--shard must look like i/N (e.g. 0/8), got '" + s + "'");
        }
        try {
            return new Shard(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--shard must look like i/N (e.g. 0/8), got '" + s + "'");
        }
    }

    /**
     * Checks that {@code shards} (of the run directories {@code dirs}, in the same order) are the parts of one
     * sharded run, each exactly once; throws {@link IllegalArgumentException} naming the directory otherwise.
     */
    public static void requireCompleteSet(List<Shard> shards, List<java.nio.file.Path> dirs) {
        if (shards.isEmpty()) throw new IllegalArgumentException("merge needs the shard run directories");
        int count = shards.get(0).count();
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        for (int i = 0; i < shards.size(); i++) {
            Shard s = shards.get(i);
            if (s.isAll()) throw new IllegalArgumentException(dirs.get(i) + " is not a shard run (no --shard)");
            if (s.count() != count)
                throw new IllegalArgumentException(dirs.get(i) + " is shard " + s + ", others are of " + count);
            if (!seen.add(s.index())) throw new IllegalArgumentException(dirs.get(i) + ": shard " + s + " given twice");
        }
        if (seen.size() != count)
            throw new IllegalArgumentException("shards " + seen + " of " + count + ": some are missing");
    }

    public boolean isAll() {
        return count == 1;
    }

    public boolean includes(int position) {
        return position % count == index;
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
