package dev.r1serve.eval.ifeval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every IFEval instruction id with a response that follows it and one that does not, each built on the trap the
 * reference's checker has (google-research instruction_following_eval/instructions.py).
 */
class InstructionCheckersTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> COVERED = new HashSet<>();

    private static Instruction in(String id, String kwargs) {
        COVERED.add(id);
        try {
            JsonNode k = JSON.readTree(kwargs);
            return Instruction.of(id, k);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void follows(Instruction in, String response) {
        assertTrue(in.follows(response), in.id() + " should accept: " + response);
    }

    private static void breaks(Instruction in, String response) {
        assertFalse(in.follows(response), in.id() + " should refuse: " + response);
    }

    @Test
    void keywordsExistenceIgnoresCaseAndNeedsEveryKeyword() {
        Instruction k = in("keywords:existence", "{\"keywords\": [\"Lake\", \"mountain\"]}");
        follows(k, "A LAKE below a Mountain.");
        breaks(k, "A lake below a hill.");
    }

    @Test
    void keywordFrequencyCountsSubstringsCaseInsensitively() {
        Instruction atLeast =
                in("keywords:frequency", "{\"keyword\": \"dog\", \"frequency\": 3, \"relation\": \"at least\"}");
        follows(atLeast, "Dog, dogs and hotdog."); // substrings count, as re.findall does
        breaks(atLeast, "Dog and dog.");
        Instruction less =
                in("keywords:frequency", "{\"keyword\": \"dog\", \"frequency\": 2, \"relation\": \"less than\"}");
        follows(less, "One dog.");
        breaks(less, "Dog dog.");
    }

    @Test
    void forbiddenWordsMatchWholeWordsOnly() {
        Instruction f = in("keywords:forbidden_words", "{\"forbidden_words\": [\"cat\", \"dog\"]}");
        follows(f, "A category of hotdogs."); // \b…\b: parts of words are allowed
        breaks(f, "My Cat sleeps.");
    }

    @Test
    void letterFrequencyCountsTheLetterInEitherCase() {
        Instruction f = in(
                "keywords:letter_frequency",
                "{\"letter\": \"q\", \"let_frequency\": 2, \"let_relation\": \"at least\"}");
        follows(f, "Quick quiz.");
        breaks(f, "Quick fix.");
        Instruction less = in(
                "keywords:letter_frequency",
                "{\"letter\": \"e\", \"let_frequency\": 1, \"let_relation\": \"less than\"}");
        follows(less, "A cat sat.");
        breaks(less, "The cat.");
    }

    @Test
    void responseLanguageIsTheDetectedOne() {
        Instruction de = in("language:response_language", "{\"language\": \"de\"}");
        follows(de, "Die Katze sitzt auf der Matte und schaut aus dem Fenster, während draußen der Regen fällt.");
        breaks(de, "The cat sits on the mat and looks out of the window while the rain falls outside.");
        Instruction hi = in("language:response_language", "{\"language\": \"hi\"}");
        follows(hi, "भारत एक विशाल देश है जिसकी संस्कृति बहुत पुरानी और समृद्ध है।");
        breaks(hi, "India is a vast country with a very old and rich culture.");
    }

    @Test
    void responseLanguageOfTextWithoutLettersCountsAsFollowed() {
        follows(in("language:response_language", "{\"language\": \"ko\"}"), "12345 !!! ???");
    }

    @Test
    void numberOfSentencesIgnoresAbbreviationsAndLineBreaks() {
        Instruction less =
                in("length_constraints:number_sentences", "{\"num_sentences\": 3, \"relation\": \"less than\"}");
        follows(less, "Mr. Smith went to Washington. He liked it");
        breaks(less, "One. Two! Three?");
        Instruction atLeast =
                in("length_constraints:number_sentences", "{\"num_sentences\": 2, \"relation\": \"at least\"}");
        follows(atLeast, "It rained. \"Really?\" she asked.");
        breaks(atLeast, "a line\nanother line without a stop");
    }

    @Test
    void anEllipsisBeforeALowerCaseWordDoesNotEndTheSentence() {
        assertEquals(2, PyText.countSentences("Wait... what? Really."));
        assertEquals(2, PyText.countSentences("Wait... What now"));
        assertEquals(3, PyText.countSentences("The U.S. is big. Dr. Who came. A. B. C. went home."));
    }

    @Test
    void allCapitalTokensCountAsNltksTreebankTokenizerSplitsThem() {
        // counts checked against NLTK 3.10's NLTKWordTokenizer: contractions, '&', brackets and CONTRACTIONS2 split
        assertEquals(
                7,
                PyText.wordTokens("I DON'T know, AT&T is U.S.A. well-known (OK)?").stream()
                        .filter(PyText::isUpper)
                        .count());
        assertEquals(List.of("GON", "NA", "CA", "N'T"), PyText.wordTokens("GONNA CAN'T"));
    }

    @Test
    void numberOfParagraphsIsTheMarkdownDividerCount() {
        Instruction p = in("length_constraints:number_paragraphs", "{\"num_paragraphs\": 2}");
        follows(p, "First part.\n***\nSecond part.\n***\n"); // an empty last piece does not count
        breaks(p, "First.\n***\n***\nSecond."); // an empty paragraph inside fails
        breaks(p, "One paragraph only.");
    }

    @Test
    void numberOfWordsCountsWordCharacterRuns() {
        Instruction atLeast = in("length_constraints:number_words", "{\"num_words\": 4, \"relation\": \"at least\"}");
        follows(atLeast, "don't stop-me now"); // don, t, stop, me, now
        breaks(atLeast, "two words");
        Instruction less = in("length_constraints:number_words", "{\"num_words\": 3, \"relation\": \"less than\"}");
        follows(less, "Hello, world!");
        breaks(less, "one two three");
    }

    @Test
    void nthParagraphFirstWordNeedsCountAndWord() {
        Instruction p = in(
                "length_constraints:nth_paragraph_first_word",
                "{\"num_paragraphs\": 3, \"nth_paragraph\": 2, \"first_word\": \"Because\"}");
        follows(p, "Intro.\n\n\"because, yes\" it is.\n\nEnd.");
        breaks(p, "Intro.\n\nSince it is.\n\nEnd."); // wrong word
        breaks(p, "Intro.\n\nBecause it is."); // two paragraphs, not three
    }

    @Test
    void placeholdersAreSquareBracketPairs() {
        Instruction p = in("detectable_content:number_placeholders", "{\"num_placeholders\": 2}");
        follows(p, "Dear [name], at [address].");
        breaks(p, "Dear [name], at your address.");
    }

    @Test
    void postscriptMarkerStartsALine() {
        Instruction ps = in("detectable_content:postscript", "{\"postscript_marker\": \"P.S.\"}");
        follows(ps, "Body.\n\np.s. see you");
        breaks(ps, "Body. PS see you");
        Instruction pps = in("detectable_content:postscript", "{\"postscript_marker\": \"P.P.S\"}");
        follows(pps, "Body.\nP. P. S. one more");
        breaks(pps, "Body.\nP.S. only one");
    }

    @Test
    void bulletListsCountStarAndDashItemsExactly() {
        Instruction b = in("detectable_format:number_bullet_lists", "{\"num_bullets\": 2}");
        follows(b, "Items:\n* one\n- two");
        breaks(b, "Items:\n* one\n* two\n* three");
        breaks(b, "**bold** is not a bullet\n* one"); // "**" lines are not bullets
    }

    @Test
    void constrainedResponseContainsAnOption() {
        Instruction c = in("detectable_format:constrained_response", "{}");
        follows(c, "  My answer is maybe.  ");
        breaks(c, "My answer is perhaps.");
    }

    @Test
    void highlightedSectionsCountSingleAndDoubleStars() {
        Instruction h = in("detectable_format:number_highlighted_sections", "{\"num_highlights\": 2}");
        follows(h, "*first* and **second**");
        breaks(h, "* * and *only one*"); // an empty highlight does not count
    }

    @Test
    void multipleSectionsCountSplitterAndNumber() {
        Instruction s =
                in("detectable_format:multiple_sections", "{\"section_spliter\": \"SECTION\", \"num_sections\": 2}");
        follows(s, "SECTION 1\nintro\nSECTION 2\nbody");
        breaks(s, "SECTION 1\nintro\nSection 2\nbody"); // case matters, as in the reference
    }

    @Test
    void jsonFormatMayBeFenced() {
        Instruction j = in("detectable_format:json_format", "{}");
        follows(j, "```json\n{\"a\": [1, 2]}\n```");
        follows(j, "  [1, NaN]  ");
        breaks(j, "Here it is: {\"a\": 1}");
        breaks(j, "{\"a\": 1} {\"b\": 2}"); // trailing data
    }

    @Test
    void titleIsANonEmptyDoubleAngleBracketPair() {
        Instruction t = in("detectable_format:title", "{}");
        follows(t, "<<Ode to Joy>>\nverse");
        breaks(t, "<< >> and <title>");
    }

    @Test
    void twoResponsesAreSeparatedBySixStarsAndDiffer() {
        Instruction t = in("combination:two_responses", "{}");
        follows(t, "First answer.\n******\nSecond answer.");
        breaks(t, "Same.\n******\nSame.");
        breaks(t, "One.\n******\n******\nTwo."); // an empty response in between
    }

    @Test
    void repeatPromptMustComeFirstIgnoringCase() {
        Instruction r = in("combination:repeat_prompt", "{\"prompt_to_repeat\": \"Write a poem about cats.\"}");
        follows(r, "  write a POEM about cats. Cats are soft.");
        breaks(r, "Sure! Write a poem about cats. Cats are soft.");
    }

    @Test
    void endPhraseMustEndTheResponseIgnoringQuotes() {
        Instruction e = in("startend:end_checker", "{\"end_phrase\": \"Any other questions?\"}");
        follows(e, "\"That is all. any other questions?\"\n");
        breaks(e, "Any other questions? Thanks.");
    }

    @Test
    void capitalWordFrequencyCountsAllCapsTokens() {
        Instruction atLeast = in(
                "change_case:capital_word_frequency", "{\"capital_frequency\": 3, \"capital_relation\": \"at least\"}");
        follows(atLeast, "This is VERY, VERY IMPORTANT.");
        breaks(atLeast, "This is VERY important, Really.");
        Instruction less = in(
                "change_case:capital_word_frequency",
                "{\"capital_frequency\": 2, \"capital_relation\": \"less than\"}");
        follows(less, "Only ONE here.");
        breaks(less, "I DON'T know."); // I, DO, N'T: contractions split as NLTK's tokenizer does
    }

    @Test
    void englishCapitalNeedsNoLowercaseAndEnglish() {
        Instruction c = in("change_case:english_capital", "{}");
        follows(c, "THE WEATHER TODAY IS SUNNY AND WARM, WITH A LIGHT BREEZE FROM THE SEA.");
        breaks(c, "THE WEATHER TODAY IS SUNNY and warm.");
        breaks(c, "DAS WETTER IST HEUTE SONNIG UND WARM, MIT EINER LEICHTEN BRISE VOM MEER."); // not English
    }

    @Test
    void englishLowercaseNeedsNoCapitalAndEnglish() {
        Instruction c = in("change_case:english_lowercase", "{}");
        follows(c, "the weather today is sunny and warm, with a light breeze from the sea.");
        breaks(c, "The weather today is sunny and warm.");
    }

    @Test
    void noCommaMeansNoCommaAnywhere() {
        Instruction c = in("punctuation:no_comma", "{}");
        follows(c, "No commas here.");
        breaks(c, "Well, here is one.");
    }

    @Test
    void quotationWrapsTheWholeResponse() {
        Instruction q = in("startend:quotation", "{}");
        follows(q, "  \"All of it.\"\n");
        breaks(q, "\"Half\" of it.");
        breaks(q, "\"");
    }

    @Test
    void blankResponseFollowsNothing() {
        breaks(in("punctuation:no_comma", "{}"), "   \n");
    }

    @Test
    void looseAcceptsAPreambleLineAndEmphasisThatStrictRefuses() {
        Instruction quote = in("startend:quotation", "{}");
        IfEvalGrading.Result r = IfEvalGrading.grade(
                java.util.List.of(quote, in("detectable_format:title", "{}")),
                "Sure, here you go:\n\"<<**Title**>> text\"");
        assertFalse(r.strict()[0]);
        assertTrue(r.loose()[0]);
        assertTrue(r.strict()[1]);
        assertEquals(
                "ifeval strict 1/2, loose 2/2: startend:quotation ✗ (loose ✓), detectable_format:title ✓",
                r.describe());
        boolean[][] back = IfEvalGrading.followed(r.describe(), 2);
        assertFalse(back[0][0]);
        assertTrue(back[0][1]);
        assertTrue(back[1][0] && back[1][1]);
    }

    @Test
    void unknownIdAndBadParametersAreRefusedNamingTheField() {
        var unknown = assertThrows(
                IllegalArgumentException.class, () -> Instruction.of("keywords:nonsense", JSON.createObjectNode()));
        assertTrue(
                unknown.getMessage().startsWith("instruction_id_list: unknown instruction id \"keywords:nonsense\""),
                unknown.getMessage());
        var missing = assertThrows(
                IllegalArgumentException.class,
                () -> in("length_constraints:number_words", "{\"relation\": \"at least\"}"));
        assertTrue(missing.getMessage().startsWith("kwargs.num_words: missing"), missing.getMessage());
        var relation = assertThrows(
                IllegalArgumentException.class,
                () -> in("length_constraints:number_words", "{\"num_words\": 5, \"relation\": \"at most\"}"));
        assertTrue(
                relation.getMessage().startsWith("kwargs.relation: must be \"less than\" or \"at least\""),
                relation.getMessage());
        var extra =
                assertThrows(IllegalArgumentException.class, () -> in("punctuation:no_comma", "{\"num_words\": 5}"));
        assertTrue(extra.getMessage().startsWith("kwargs.num_words: is not a parameter"), extra.getMessage());
        // The Hugging Face copy of the data lists every parameter with null where unused: nulls are absent.
        assertTrue(in("punctuation:no_comma", "{\"num_words\": null}").follows("fine"));
    }

    @Test
    void everyInstructionIdIsCovered() throws Exception {
        for (var m : getClass().getDeclaredMethods()) {
            if (m.isAnnotationPresent(Test.class) && !m.getName().equals("everyInstructionIdIsCovered")) {
                m.setAccessible(true);
                m.invoke(this);
            }
        }
        assertEquals(new HashSet<>(Checkers.IDS), new HashSet<>(COVERED) {
            {
                retainAll(Checkers.IDS);
            }
        });
        assertEquals(25, Checkers.IDS.size());
    }
}
