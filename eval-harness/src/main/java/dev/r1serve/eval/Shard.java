package dev.r1serve.eval;

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
