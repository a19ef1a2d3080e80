package dev.r1serve.server.engine.llamacpp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Prepares java-llama.cpp's native loader before its first use. Its loader extracts libjllama.so into
 * {@code de.kherud.llama.tmpdir} (default: java.io.tmpdir) and deletes every file named llama* or
 * jllama* it finds there, which would break other processes sharing /tmp; so each process gets a
 * private directory, which must exist before the load.
 */
public final class NativeLibrary {

    private static final String TMPDIR_PROPERTY = "de.kherud.llama.tmpdir";

    private NativeLibrary() {}

    /** Gives java-llama.cpp a private, existing directory for its native library; call before its first use. */
    public static synchronized void prepare() {
        String dir = System.getProperty(TMPDIR_PROPERTY);
        try {
            Path path = dir != null
                    ? Path.of(dir)
                    : Path.of(System.getProperty("java.io.tmpdir"), "r1-serve-jllama-" + ProcessHandle.current().pid());
            Files.createDirectories(path);
            if (dir == null) {
                System.setProperty(TMPDIR_PROPERTY, path.toString());
                path.toFile().deleteOnExit();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory for llama.cpp's native library", e);
        }
    }
}
