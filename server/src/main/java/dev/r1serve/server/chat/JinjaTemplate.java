package dev.r1serve.server.chat;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import jinjava.javax.el.CompositeELResolver;

/**
 * A Hugging Face chat template (Jinja2 source, as in {@code tokenizer_config.json} or a GGUF's
 * {@code tokenizer.chat_template}) rendered by HubSpot's Jinjava the way {@code transformers} renders it:
 * {@code trim_blocks} and {@code lstrip_blocks} on, {@code {{-}} trimming, {@code raise_exception},
 * Python string methods, loop controls and {@code namespace}; variables {@code messages},
 * {@code add_generation_prompt}, {@code bos_token}, {@code eos_token}, no {@code tools}.
 *
 * <p>Not supported by Jinjava (a template using them fails to load or render with the parser's message):
 * Python slice syntax such as {@code messages[1:]} or {@code [::-1]}.
 */
final class JinjaTemplate {

    /** A rendered prompt larger than this is refused (a runaway loop in a template from a model file). */
    static final long MAX_OUTPUT_CHARS = 16L << 20;

    private static final Jinjava JINJAVA = newEngine();

    private final String source;

    JinjaTemplate(String source) {
        this.source = source;
        // Fail at load time on templates Jinjava cannot parse, not on the first request.
        render(List.of(new ChatMessage("user", "x")), true, "", "");
    }

    String source() {
        return source;
    }

    /** Renders the chat; a template that raises or fails gets an {@link IllegalArgumentException}. */
    String render(List<ChatMessage> messages, boolean addGenerationPrompt, String bosToken, String eosToken) {
        Map<String, Object> vars = new HashMap<>();
        vars.put(
                "messages",
                messages.stream()
                        .map(m -> {
                            Map<String, Object> msg = new HashMap<>();
                            msg.put("role", m.role());
                            msg.put("content", m.content());
                            return msg;
                        })
                        .toList());
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("bos_token", bosToken);
        vars.put("eos_token", eosToken);
        RAISED_MESSAGE.remove();
        RenderResult r = JINJAVA.renderForResult(source, vars);
        String raised = RAISED_MESSAGE.get();
        RAISED_MESSAGE.remove();
        if (raised != null) {
            throw new IllegalArgumentException(raised);
        }
        List<TemplateError> fatal = r.getErrors().stream()
                .filter(e -> e.getSeverity() == TemplateError.ErrorType.FATAL)
                .toList();
        if (!fatal.isEmpty()) {
            throw new IllegalArgumentException(
                    fatal.stream().map(JinjaTemplate::describe).collect(Collectors.joining("; ")));
        }
        return r.getOutput();
    }

    private static String describe(TemplateError e) {
        String m = e.getMessage() == null ? e.getReason().toString() : e.getMessage();
        return "line " + e.getLineno() + ": " + m;
    }

    /** The message of a raise_exception call during this thread's render (Jinjava wraps the exception). */
    private static final ThreadLocal<String> RAISED_MESSAGE = new ThreadLocal<>();

    /** {@code raise_exception(message)} of transformers' template environment. */
    public static String raiseException(String message) {
        RAISED_MESSAGE.set(message);
        throw new IllegalArgumentException(message);
    }

    private static Jinjava newEngine() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PythonStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withLstripBlocks(true)
                .withElResolver(resolver)
                .withMaxOutputSize(MAX_OUTPUT_CHARS)
                // Jinja2 never evaluates what an expression prints; Jinjava does unless told not to, which would
                // run "{{ ... }}" found in message content as template code (and refuse math with "{{").
                .withNestedInterpretationEnabled(false)
                .withLegacyOverrides(LegacyOverrides.newBuilder()
                        .withUseTrimmingForNotesAndExpressions(true) // {{- x -}} strips like Jinja2
                        .withParseWhitespaceControlStrictly(true)
                        .withKeepNullableLoopValues(true)
                        .build())
                .build();
        Jinjava j = new Jinjava(config);
        j.getGlobalContext()
                .registerFunction(new ELFunctionDefinition(
                        "", "raise_exception", JinjaTemplate.class, "raiseException", String.class));
        return j;
    }
}
