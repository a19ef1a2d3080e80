package dev.r1serve.server.engine.remote;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test double for a GPU backend: a JDK HTTP server on loopback whose answers the test scripts per path.
 * {@code /health} and {@code /ping} answer 200 unless scripted. Records request bodies, and counts streams
 * whose client went away (a write failed), which is how a backend notices a cancellation.
 */
final class ScriptedBackend implements AutoCloseable {

    /** Writes one response. */
    interface Script {
        void answer(HttpExchange ex, String requestBody) throws Exception;
    }

    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final Map<String, Script> scripts = new ConcurrentHashMap<>();
    final CopyOnWriteArrayList<String> bodies = new CopyOnWriteArrayList<>();
    final AtomicInteger clientGone = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    ScriptedBackend(int port) throws IOException {
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        http.setExecutor(executor);
        http.createContext("/", this::handle);
        http.start();
    }

    ScriptedBackend() throws IOException {
        this(0);
    }

    ScriptedBackend on(String path, Script script) {
        scripts.put(path, script);
        return this;
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    int port() {
        return http.getAddress().getPort();
    }

    private void handle(HttpExchange ex) {
        try (ex) {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = ex.getRequestURI().getPath();
            Script s = scripts.get(path);
            if (s == null && (path.equals("/health") || path.equals("/ping"))) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            if (s == null) {
                ex.sendResponseHeaders(404, -1);
                return;
            }
            requests.incrementAndGet();
            bodies.add(body);
            s.answer(ex, body);
        } catch (IOException e) {
            clientGone.incrementAndGet();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a streamed 200 answer. */
    static OutputStream stream(HttpExchange ex, String contentType) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        ex.sendResponseHeaders(200, 0);
        return ex.getResponseBody();
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** An OpenAI completions SSE chunk with text and, when non-null, a finish reason. */
    static String sse(String text, String finish) {
        return "data: {\"choices\":[{\"index\":0,\"text\":" + json(text) + ",\"finish_reason\":"
                + (finish == null ? "null" : json(finish)) + "}]}\n\n";
    }

    static String json(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    @Override
    public void close() {
        http.stop(0);
        executor.shutdownNow();
    }
}
