package dev.r1serve.server.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes one generation as server-sent events: {@code data: {chunk}\n\n} per delta and per finished
 * sample, then {@code data: [DONE]\n\n}. An IOException (the client went away) ends the stream; the caller
 * then cancels the generation.
 */
final class SseStream {

    /** Idle gap after which a comment line is written, so a vanished client is noticed. */
    private static final long PING_MILLIS = 1000;

    private final HttpExchange ex;
    private final ResponseWriter writer;
    private final GenerationEvents events;
    private final boolean includeUsage;
    private final Map<Integer, StreamingReasoningSplitter> splitters = new HashMap<>();

    SseStream(HttpExchange ex, ResponseWriter writer, GenerationEvents events, boolean includeUsage) {
        this.includeUsage = includeUsage;
        this.ex = ex;
        this.writer = writer;
        this.events = events;
    }

    /**
     * Streams until the generation completes. The response starts once the request is queued, so a refusal
     * before that (prompt too long, queue full, draining) is an HTTP error like any other; a failure after it
     * (the default timeout) ends the stream with an error event and no {@code [DONE]}.
     */
    void run() throws IOException, InterruptedException {
        OutputStream out = null;
        while (true) {
            GenerationEvents.Event e = events.poll(PING_MILLIS);
            if (out == null) {
                if (e instanceof GenerationEvents.Failed f) {
                    throw HttpErrors.toOpenAi(f.error());
                }
                if (e == null) {
                    continue;
                }
                ex.getResponseHeaders().set("Content-Type", "text/event-stream");
                ex.getResponseHeaders().set("Cache-Control", "no-cache");
                ex.sendResponseHeaders(200, 0);
                out = ex.getResponseBody();
            }
            switch (e) {
                case null -> out.write(OpenAiHttpServer.utf8(": ping\n\n"));
                case GenerationEvents.Queued q -> {}
                case GenerationEvents.Delta d -> text(out, d.index(), d.text());
                case GenerationEvents.Done d -> {
                    StreamingReasoningSplitter s = splitters.get(d.sample().getIndex());
                    if (s != null) {
                        var rest = s.flush();
                        if (!rest.reasoning().isEmpty() || !rest.content().isEmpty()) {
                            write(out, writer.delta(d.sample().getIndex(), rest.reasoning(), rest.content(), false));
                        }
                    }
                    write(out, writer.last(d.sample()));
                }
                case GenerationEvents.Complete c -> {
                    if (includeUsage) { // only on request, as OpenAI does
                        write(out, writer.usageChunk(c.samples()));
                    }
                    out.write(OpenAiHttpServer.utf8("data: [DONE]\n\n"));
                    out.flush();
                    out.close();
                    return;
                }
                case GenerationEvents.Failed f -> {
                    write(out, OpenAiHttpServer.errorBody(HttpErrors.toOpenAi(f.error())));
                    out.flush();
                    out.close();
                    return;
                }
            }
            out.flush();
        }
    }

    private void text(OutputStream out, int index, String text) throws IOException {
        boolean first = !splitters.containsKey(index);
        StreamingReasoningSplitter s =
                splitters.computeIfAbsent(index, i -> new StreamingReasoningSplitter(writer.thinkPrefilled()));
        if (writer.chat()) {
            var parts = s.accept(text);
            if (first || !parts.reasoning().isEmpty() || !parts.content().isEmpty()) {
                write(out, writer.delta(index, parts.reasoning(), parts.content(), first));
            }
        } else {
            write(out, writer.delta(index, "", text, false));
        }
    }

    private static void write(OutputStream out, JsonNode chunk) throws IOException {
        out.write(OpenAiHttpServer.utf8("data: " + OpenAiHttpServer.JSON.writeValueAsString(chunk) + "\n\n"));
    }
}
