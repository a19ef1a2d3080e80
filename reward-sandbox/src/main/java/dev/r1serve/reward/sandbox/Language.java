package dev.r1serve.reward.sandbox;

import java.util.Locale;
import java.util.Optional;

/** Languages the sandbox runs. */
public enum Language {
    PYTHON,
    CPP;

    /** "python", "python3", "py"; "cpp", "c++". */
    public static Optional<Language> parse(String s) {
        if (s == null) return Optional.empty();
        return switch (s.strip().toLowerCase(Locale.ROOT)) {
            case "python", "python3", "py" -> Optional.of(PYTHON);
            case "cpp", "c++", "cxx" -> Optional.of(CPP);
            default -> Optional.empty();
        };
    }

    public String label() {
        return this == PYTHON ? "python" : "cpp";
    }
}
