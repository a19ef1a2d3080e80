package dev.r1serve.server.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChatTemplateTest {

    private static final List<ChatMessage> Q = List.of(new ChatMessage("user", "What is 2+2?"));

    @Test
    void deepSeekR1WritesBosThenUserAndAssistantMarkersWithThinkPrefill() {
        assertEquals(
                ChatTemplate.R1_BOS + "<｜User｜>What is 2+2?<｜Assistant｜><think>\n",
                ChatTemplate.DEEPSEEK_R1.render(Q, true, List.of()).text());
        assertEquals(
                "<｜User｜>What is 2+2?<｜Assistant｜>",
                ChatTemplate.DEEPSEEK_R1
                        .withSpecialTokens("", "")
                        .render(Q, false, List.of())
                        .text());
    }

    /** Message content is data: Jinja syntax in it is printed as written, never run (MATH has "{{" in LaTeX). */
    @Test
    void templateSyntaxInMessagesIsPrintedNotEvaluated() {
        String content =
                "Find $\\frac{{a}}{b}$ and {{ 7 * 7 }} {% if true %}x{% endif %} {{ raise_exception('pwned') }} {# c #}";
        for (ChatTemplate t :
                List.of(ChatTemplate.DEEPSEEK_R1, ChatTemplate.QWEN25, ChatTemplate.LLAMA3, ChatTemplate.PLAIN)) {
            String out = t.render(List.of(new ChatMessage("user", content)), false, List.of())
                    .text();
            org.junit.jupiter.api.Assertions.assertTrue(out.contains(content), t.id() + ": " + out);
        }
    }

    @Test
    void qwenChatMlAddsItsDefaultSystemPrompt() {
        assertEquals(
                "<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                        + "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
                ChatTemplate.QWEN25.render(Q, false, List.of()).text());
    }

    @Test
    void llama3UsesHeaders() {
        assertEquals(
                "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nWhat is 2+2?<|eot_id|>"
                        + "<|start_header_id|>assistant<|end_header_id|>\n\n",
                ChatTemplate.LLAMA3.render(Q, false, List.of()).text());
    }

    @Test
    void plainTemplateServesModelsWithoutOneButIsNotAChatFormat() {
        assertEquals(
                "User: What is 2+2?\nAssistant:",
                ChatTemplate.PLAIN.render(Q, false, List.of()).text());
        assertFalse(ChatTemplate.PLAIN.isChatFormat());
        assertFalse(ChatTemplate.NONE.supportsChat());
    }

    @Test
    void r1TemplatePrefillsThinkByDefaultOthersDoNot() {
        assertEquals(true, ChatTemplate.DEEPSEEK_R1.prefillThinkByDefault());
        assertEquals(false, ChatTemplate.QWEN25.prefillThinkByDefault());
    }

    @Test
    void templatesAreFoundByIdAndGuessedFromFileNames() {
        assertEquals(ChatTemplate.QWEN25, ChatTemplate.byId("Qwen2.5"));
        assertThrows(IllegalArgumentException.class, () -> ChatTemplate.byId("chatml2"));
        assertEquals(ChatTemplate.DEEPSEEK_R1, ChatTemplate.guessFromName("DeepSeek-R1-Distill-Qwen-1.5B-Q8_0.gguf"));
        assertEquals(ChatTemplate.LLAMA3, ChatTemplate.guessFromName("Meta-Llama-3.1-8B-Instruct.gguf"));
        assertEquals(ChatTemplate.NONE, ChatTemplate.guessFromName("stories260k.gguf"));
    }
}
