package dev.r1serve.server.metrics;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One scrape of a /metrics endpoint, parsed from the Prometheus text format. */
final class MetricsScrape {

    record Series(String name, Map<String, String> labels, double value) {}

    private final List<Series> series;

    private MetricsScrape(List<Series> series) {
        this.series = series;
    }

    static MetricsScrape of(int port) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                            .header("Accept", "text/plain; version=0.0.4")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("GET /metrics: HTTP " + r.statusCode());
            }
            return parse(r.body());
        }
    }

    static MetricsScrape parse(String text) {
        List<Series> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int brace = line.indexOf('{');
            int space = line.lastIndexOf(' ');
            String name;
            Map<String, String> labels = new LinkedHashMap<>();
            if (brace >= 0 && brace < space) {
                name = line.substring(0, brace);
                String body = line.substring(brace + 1, line.lastIndexOf('}'));
                // Label values here never contain '",' so a plain split is enough.
                for (String pair : body.split("\",")) {
                    if (pair.isBlank()) {
                        continue;
                    }
                    int eq = pair.indexOf('=');
                    labels.put(pair.substring(0, eq), pair.substring(eq + 2).replaceAll("\"$", ""));
                }
            } else {
                name = line.substring(0, space);
            }
            out.add(new Series(name, labels, Double.parseDouble(line.substring(space + 1))));
        }
        return new MetricsScrape(out);
    }

    boolean has(String name) {
        return series.stream().anyMatch(s -> s.name().equals(name));
    }

    /** Sum over the series named {@code name} whose labels include {@code labels} (key, value, ...). */
    double value(String name, String... labels) {
        double sum = 0;
        boolean found = false;
        for (Series s : series) {
            if (s.name().equals(name) && matches(s.labels(), labels)) {
                sum += s.value();
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError("no series " + name + " " + List.of(labels));
        }
        return sum;
    }

    private static boolean matches(Map<String, String> have, String[] want) {
        for (int i = 0; i < want.length; i += 2) {
            if (!want[i + 1].equals(have.get(want[i]))) {
                return false;
            }
        }
        return true;
    }
}
