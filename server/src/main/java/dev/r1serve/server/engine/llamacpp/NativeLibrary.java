package dev.r1serve.server.engine.llamacpp;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Prepares java-llama.cpp's native loader before its first use. Its loader extracts libjllama.so into
 * {@code de.kherud.llama.tmpdir} (default: java.io.tmpdir) and deletes every file named llama* or
 * jllama* it finds there, which would break other processes sharing /tmp; so each process gets a
 * private directory, which must exist before the load. The loader also prints "Extracted 'libjllama.so' to …" on
 * standard output at every start; that line is logged at FINE (debug) instead.
 */
public final class NativeLibrary {

    private static final Logger LOG = Logger.getLogger(NativeLibrary.class.getName());
    private static final String TMPDIR_PROPERTY = "de.kherud.llama.tmpdir";
    private static boolean loaded;

    private NativeLibrary() {}

    /** Gives java-llama.cpp a private, existing directory for its native library; call before its first use. */
    public static synchronized void prepare() {
        String dir = System.getProperty(TMPDIR_PROPERTY);
        try {
            Path path = dir != null
                    ? Path.of(dir)
                    : Path.of(
                            System.getProperty("java.io.tmpdir"),
                            "r1-serve-jllama-" + ProcessHandle.current().pid());
            Files.createDirectories(path);
            if (dir == null) {
                System.setProperty(TMPDIR_PROPERTY, path.toString());
                path.toFile().deleteOnExit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory for llama.cpp's native library", e);
        }
        if (!loaded) {
            loadQuietly();
            loaded = true;
        }
    }

    /** Runs the loader (LlamaModel's static initializer) with its extraction line moved to the log. */
    private static void loadQuietly() {
        PrintStream original = System.out;
        PrintStream filtered = new PrintStream(original, true) {
            @Override
            public void println(String line) {
                if (line != null && line.startsWith("Extracted '")) {
                    LOG.fine(line);
                } else {
                    super.println(line);
                }
            }
        };
        System.setOut(filtered);
        try {
            Class.forName("de.kherud.llama.LlamaModel", true, NativeLibrary.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("java-llama.cpp is not on the class path", e);
        } finally {
            if (System.out == filtered) {
                System.setOut(original);
            }
        }
    }
}
