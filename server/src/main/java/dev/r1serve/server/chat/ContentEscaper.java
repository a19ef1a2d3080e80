package dev.r1serve.server.chat;

import java.util.ArrayList;
import java.util.List;

/**
 * Carries "this special-token string is message content" through a Jinja render. Before rendering, each
 * marker string in a message's content becomes one placeholder code point from Unicode plane 15 (private
 * use); after rendering, placeholders turn back into their strings in pieces marked as plain text. Plane
 * 15/16 characters that content really holds are escaped with {@link #ESCAPE}, so nothing a user sends
 * can pass for a placeholder. Placeholders are single non-space characters, so the templates' string
 * operations (trim, split at {@code </think>}, concatenation) treat them as ordinary text.
 */
final class ContentEscaper {

    static final int ESCAPE = 0xF0000;
    private static final int FIRST_PLACEHOLDER = 0xF0001;

    private final List<String> markers; // longest first, so a marker's prefix never wins
    private final java.util.BitSet firstChars = new java.util.BitSet(); // positions that can start a marker

    ContentEscaper(List<String> markers) {
        if (markers.size() > 0xFFFD) {
            throw new IllegalArgumentException("too many special tokens: " + markers.size());
        }
        this.markers = markers;
        markers.forEach(m -> firstChars.set(m.charAt(0)));
    }

    String escape(String content, List<String> keep) {
        StringBuilder sb = new StringBuilder(content.length());
        int i = 0;
        outer:
        while (i < content.length()) {
            for (int k = 0; firstChars.get(content.charAt(i)) && k < markers.size(); k++) {
                String m = markers.get(k);
                if (content.startsWith(m, i) && !keep.contains(m)) {
                    sb.appendCodePoint(FIRST_PLACEHOLDER + k);
                    i += m.length();
                    continue outer;
                }
            }
            int cp = content.codePointAt(i);
            if (cp >= ESCAPE) {
                sb.appendCodePoint(ESCAPE);
            }
            sb.appendCodePoint(cp);
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    ChatPrompt unescape(String rendered) {
        List<ChatPrompt.Piece> pieces = new ArrayList<>();
        StringBuilder text = new StringBuilder(rendered.length());
        StringBuilder run = new StringBuilder();
        boolean runIsMarkers = true;
        for (int i = 0; i < rendered.length(); ) {
            int cp = rendered.codePointAt(i);
            i += Character.charCount(cp);
            String out;
            boolean asMarkers;
            if (cp == ESCAPE && i < rendered.length()) {
                int literal = rendered.codePointAt(i);
                i += Character.charCount(literal);
                out = Character.toString(literal);
                asMarkers = runIsMarkers; // plain content text: either kind of piece holds it
            } else if (cp > ESCAPE && cp - FIRST_PLACEHOLDER < markers.size()) {
                out = markers.get(cp - FIRST_PLACEHOLDER);
                asMarkers = false;
            } else {
                out = Character.toString(cp);
                asMarkers = true;
            }
            if (asMarkers != runIsMarkers && !run.isEmpty()) {
                pieces.add(new ChatPrompt.Piece(run.toString(), runIsMarkers));
                run.setLength(0);
            }
            runIsMarkers = asMarkers;
            run.append(out);
            text.append(out);
        }
        if (!run.isEmpty()) {
            pieces.add(new ChatPrompt.Piece(run.toString(), runIsMarkers));
        }
        return new ChatPrompt(text.toString(), pieces);
    }
}
