package dev.r1serve.server.gguf;

/**
 * Produces a tensor's values in row-major order, a chunk at a time, so that tensors larger than memory
 * (a 0.5B-parameter model) can be written without being held whole.
 */
@FunctionalInterface
public interface TensorData {

    /** Fills {@code out[0..length)} with the values at flat indices {@code [offset, offset + length)}. */
    void fill(long offset, float[] out, int length);

    /** Values already in memory. */
    static TensorData of(float[] values) {
        return (offset, out, length) -> System.arraycopy(values, Math.toIntExact(offset), out, 0, length);
    }
}
