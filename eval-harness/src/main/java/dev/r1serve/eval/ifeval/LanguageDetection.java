package dev.r1serve.eval.ifeval;

import com.optimaize.langdetect.DetectedLanguage;
import com.optimaize.langdetect.LanguageDetector;
import com.optimaize.langdetect.LanguageDetectorBuilder;
import com.optimaize.langdetect.ngram.NgramExtractors;
import com.optimaize.langdetect.profiles.LanguageProfileReader;
import com.optimaize.langdetect.text.TextObjectFactory;
import com.optimaize.langdetect.text.TextObjectFactoryBuilder;
import com.optimaize.langdetect.text.UrlTextFilter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The response's language, as IFEval's reference gets it from Python's {@code langdetect.detect}: the most
 * probable of the built-in n-gram profiles (optimaize language-detector carries the same Cybozu profiles as
 * langdetect, plus a few). Seeded, so a response always gets the same answer (langdetect is unseeded). The 71
 * profiles load once, on first use (about half a second).
 */
final class LanguageDetection {

    private static final class Holder {
        static final LanguageDetector DETECTOR;
        // URLs and e-mail addresses removed and the first 10,000 characters kept, as langdetect does (the library's
        // large-text preset also drops minority scripts, which langdetect does not, and costs more than detection).
        static final TextObjectFactory TEXT = new TextObjectFactoryBuilder()
                .maxTextLength(10_000)
                .withTextFilter(UrlTextFilter.getInstance())
                .build();

        static {
            try {
                DETECTOR = LanguageDetectorBuilder.create(NgramExtractors.standard())
                        .seed(0L)
                        .withProfiles(new LanguageProfileReader().readAllBuiltIn())
                        .build();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the language detector's built-in profiles", e);
            }
        }
    }

    private LanguageDetection() {}

    /**
     * The ISO 639-1 code of {@code text}'s most probable language ("zh" for both Chinese profiles), or null when
     * the text has nothing to detect from (the reference then counts the instruction as followed).
     */
    static String detect(String text) {
        // The detector is immutable (its sampling RNG is made per call), so graders on several threads share it.
        List<DetectedLanguage> probs = Holder.DETECTOR.getProbabilities(Holder.TEXT.forText(text));
        if (probs.isEmpty()) return null;
        return probs.get(0).getLocale().getLanguage();
    }
}
