package dev.r1serve.reward.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.r1serve.reward.grpc.RewardServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A real RewardServer with its HTTP front on free loopback ports, and a plain JDK HTTP client to call it. */
final class LoopbackFront implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    final RewardServer server;
    final RewardHttpServer http;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    LoopbackFront(RewardServer.Config config, RewardHttpFront.Keys keys) throws IOException {
        server = RewardServer.start(config);
        http = RewardHttpServer.start("127.0.0.1", 0, new RewardHttpFront(server.mounted(), keys));
    }

    static LoopbackFront open() throws IOException {
        return new LoopbackFront(RewardServer.Config.loopback(0), null);
    }

    String url() {
        return "http://127.0.0.1:" + http.port();
    }

    /** The reply: status, headers and body; {@link Reply#json()} parses the body. */
    record Reply(int status, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return JSON.readTree(raw.body());
            } catch (IOException e) {
                throw new AssertionError("not JSON (HTTP " + status + "): " + raw.body(), e);
            }
        }
    }

    Reply post(String path, String body, String... headers) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) b.headers(headers);
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r);
    }

    Reply send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r =
                client.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r);
    }

    @Override
    public void close() {
        client.close();
        http.close();
        server.close();
    }
}
