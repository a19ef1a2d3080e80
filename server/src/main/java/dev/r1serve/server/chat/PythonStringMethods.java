package dev.r1serve.server.chat;

import java.beans.FeatureDescriptor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ELResolver;

/**
 * Python's {@code str} methods for Jinjava, which otherwise calls the Java {@link String} method of the
 * same name. Hugging Face chat templates are Python Jinja2 and rely on Python semantics: Java's
 * {@code split} takes a regex and drops trailing empty parts (so {@code "r</think>".split("</think>")[-1]}
 * would be {@code "r"}, not {@code ""}), and Java has no {@code lstrip(chars)} or {@code startswith}.
 */
final class PythonStringMethods extends ELResolver {

    private static final Set<String> METHODS = Set.of(
            "split",
            "strip",
            "lstrip",
            "rstrip",
            "startswith",
            "endswith",
            "upper",
            "lower",
            "title",
            "capitalize",
            "replace",
            "count",
            "find");

    @Override
    public Object invoke(ELContext context, Object base, Object method, Class<?>[] paramTypes, Object[] params) {
        if (!(base instanceof String s) || !(method instanceof String name) || !METHODS.contains(name)) {
            return null;
        }
        Object[] p = params == null ? new Object[0] : params;
        Object result = switch (name) {
            case "split" -> split(s, p.length > 0 && p[0] != null ? p[0].toString() : null);
            case "strip" -> rstrip(lstrip(s, chars(p)), chars(p));
            case "lstrip" -> lstrip(s, chars(p));
            case "rstrip" -> rstrip(s, chars(p));
            case "startswith" -> p.length > 0 && s.startsWith(String.valueOf(p[0]));
            case "endswith" -> p.length > 0 && s.endsWith(String.valueOf(p[0]));
            case "upper" -> s.toUpperCase(Locale.ROOT);
            case "lower" -> s.toLowerCase(Locale.ROOT);
            case "title" -> title(s);
            case "capitalize" ->
                s.isEmpty()
                        ? s
                        : s.substring(0, 1).toUpperCase(Locale.ROOT)
                                + s.substring(1).toLowerCase(Locale.ROOT);
            case "replace" -> p.length < 2 ? s : s.replace(String.valueOf(p[0]), String.valueOf(p[1]));
            case "count" ->
                p.length == 0 ? 0L : (long) split(s, String.valueOf(p[0])).size() - 1;
            case "find" -> p.length == 0 ? -1L : (long) s.indexOf(String.valueOf(p[0]));
            default -> null;
        };
        context.setPropertyResolved(true);
        return result;
    }

    /** Python's str.split: a literal separator keeping empty parts, or runs of whitespace without one. */
    static List<String> split(String s, String sep) {
        List<String> out = new ArrayList<>();
        if (sep == null) {
            for (String part : s.strip().split("\\s+")) {
                if (!part.isEmpty()) {
                    out.add(part);
                }
            }
            return out;
        }
        if (sep.isEmpty()) {
            throw new IllegalArgumentException("empty separator");
        }
        int from = 0;
        for (int at; (at = s.indexOf(sep, from)) >= 0; from = at + sep.length()) {
            out.add(s.substring(from, at));
        }
        out.add(s.substring(from));
        return out;
    }

    private static String chars(Object[] p) {
        return p.length > 0 && p[0] != null ? p[0].toString() : null;
    }

    private static boolean strippable(int c, String chars) {
        return chars == null ? Character.isWhitespace(c) : chars.indexOf(c) >= 0;
    }

    private static String lstrip(String s, String chars) {
        int i = 0;
        while (i < s.length() && strippable(s.charAt(i), chars)) {
            i++;
        }
        return s.substring(i);
    }

    private static String rstrip(String s, String chars) {
        int j = s.length();
        while (j > 0 && strippable(s.charAt(j - 1), chars)) {
            j--;
        }
        return s.substring(0, j);
    }

    private static String title(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        boolean start = true;
        for (char c : s.toCharArray()) {
            sb.append(start ? Character.toUpperCase(c) : Character.toLowerCase(c));
            start = !Character.isLetter(c);
        }
        return sb.toString();
    }

    @Override
    public Object getValue(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public Class<?> getType(ELContext context, Object base, Object property) {
        return null;
    }

    @Override
    public void setValue(ELContext context, Object base, Object property, Object value) {}

    @Override
    public boolean isReadOnly(ELContext context, Object base, Object property) {
        return true;
    }

    @Override
    public Iterator<FeatureDescriptor> getFeatureDescriptors(ELContext context, Object base) {
        return null;
    }

    @Override
    public Class<?> getCommonPropertyType(ELContext context, Object base) {
        return null;
    }
}
