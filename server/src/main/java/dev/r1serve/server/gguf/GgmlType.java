package dev.r1serve.server.gguf;

/** Tensor element types this project writes, with their ggml type ids and block layout. */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    /** Blocks of 32 weights: one fp16 scale then 32 signed bytes. */
    Q8_0(8, 32, 2 + 32);

    final int id;
    final int blockSize;
    final int bytesPerBlock;

    GgmlType(int id, int blockSize, int bytesPerBlock) {
        this.id = id;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
    }

    /** Bytes taken by {@code elements} values; elements must be a multiple of the block size. */
    public long byteSize(long elements) {
        if (elements % blockSize != 0) {
            throw new IllegalArgumentException(
                    name() + " needs a multiple of " + blockSize + " elements, got " + elements);
        }
        return elements / blockSize * bytesPerBlock;
    }
}
