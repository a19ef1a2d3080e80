package dev.r1serve.reward.http;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A JDK HTTP server for the {@link RewardHttpFront} alone ({@code r1 reward serve --http-port N}): one virtual
 * thread per exchange, as the OpenAI front runs, plus an open {@code GET /health}.
 */
public final class RewardHttpServer implements AutoCloseable {

    static {
        // As the OpenAI front does: the JDK server writes headers and body separately, and without TCP_NODELAY
        // Nagle holds the body until the client's delayed ACK (~40 ms a request; 0.19 of ScoreStream's rate with
        // one batch in flight instead of 0.5). Read once, when the JVM's first HttpServer is made.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer http;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    private RewardHttpServer(HttpServer http) {
        this.http = http;
    }

    /** Binds {@code host:port} (0 = a free port) and serves {@code front}. */
    public static RewardHttpServer start(String host, int port, RewardHttpFront front) throws IOException {
        RewardHttpServer s = new RewardHttpServer(HttpServer.create(new InetSocketAddress(host, port), 0));
        s.http.setExecutor(s.executor);
        front.handlers().forEach(s.http::createContext);
        s.http.createContext("/health", ex -> {
            try (ex) {
                byte[] ok = "{\"status\":\"healthy\"}".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().set("Content-Type", "application/json");
                ex.sendResponseHeaders(200, ok.length);
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(ok);
                }
            }
        });
        s.http.start();
        return s;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** Stops accepting connections; exchanges in flight get a second to finish. */
    @Override
    public void close() {
        http.stop(1);
        executor.shutdownNow();
    }
}
