package dev.r1serve.eval.benchmark;

/** A benchmark data file is missing or cannot be read; the message names the file and, where known, the line. */
public final class DataFormatException extends RuntimeException {

    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }

    /** "{@code file}:{@code line}: {@code problem}", the form compilers use, so editors can jump to it. */
    public static DataFormatException at(String file, long line, String problem) {
        return new DataFormatException(file + ":" + line + ": " + problem);
    }
}
