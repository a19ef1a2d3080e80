package dev.r1serve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Kubernetes manifests parse and hang together without a cluster: Service selectors match pod
 * labels, Service target ports exist on containers, referenced ConfigMaps exist, every container has an
 * image and resources, and the sandbox has no egress.
 */
class ManifestValidationTest {

    private static final Path K8S = Path.of("k8s");
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    record Doc(Path file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }
    }

    static Stream<Path> folders() throws IOException {
        try (Stream<Path> s = Files.list(K8S)) {
            return s.filter(Files::isDirectory).sorted().toList().stream();
        }
    }

    static List<Doc> docs(Path folder) throws IOException {
        List<Doc> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (YAMLParser parser = new YAMLFactory().createParser(f.toFile());
                        MappingIterator<JsonNode> it = YAML.readValues(parser, JsonNode.class)) {
                    while (it.hasNext()) {
                        JsonNode n = it.next();
                        if (n != null && !n.isNull() && !n.isEmpty()) {
                            docs.add(new Doc(f, n));
                        }
                    }
                } catch (IOException e) {
                    fail(f + " does not parse: " + e.getMessage());
                }
            }
        }
        return docs;
    }

    private static List<JsonNode> podTemplates(List<Doc> docs) {
        List<JsonNode> pods = new ArrayList<>();
        for (Doc d : docs) {
            JsonNode t = d.node().path("spec").path("template");
            if (!t.isMissingNode()) {
                pods.add(t);
            }
        }
        return pods;
    }

    private static List<JsonNode> containers(JsonNode podTemplate) {
        List<JsonNode> all = new ArrayList<>();
        podTemplate.path("spec").path("containers").forEach(all::add);
        podTemplate.path("spec").path("initContainers").forEach(all::add);
        return all;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void everyDocumentHasKindNameAndLabels(Path folder) throws IOException {
        List<Doc> docs = docs(folder);
        assertFalse(docs.isEmpty(), folder + " has manifests");
        for (Doc d : docs) {
            assertFalse(d.kind().isEmpty(), d.file() + ": kind");
            assertFalse(d.node().path("apiVersion").asText().isEmpty(), d.file() + ": apiVersion");
            assertFalse(d.name().isEmpty(), d.file() + ": metadata.name");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void everyContainerHasAnImageAndResources(Path folder) throws IOException {
        for (JsonNode pod : podTemplates(docs(folder))) {
            for (JsonNode c : containers(pod)) {
                String where = folder + "/" + c.path("name").asText();
                assertFalse(c.path("image").asText().isEmpty(), where + ": image");
                assertTrue(c.path("resources").path("requests").size() > 0, where + ": resources.requests");
                assertTrue(c.path("resources").path("limits").has("memory"), where + ": resources.limits.memory");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void servicesSelectPodsAndTargetTheirPorts(Path folder) throws IOException {
        List<Doc> docs = docs(folder);
        List<JsonNode> pods = podTemplates(docs);
        for (Doc svc : docs.stream().filter(d -> d.kind().equals("Service")).toList()) {
            JsonNode selector = svc.node().path("spec").path("selector");
            JsonNode pod = pods.stream()
                    .filter(p -> matches(selector, p.path("metadata").path("labels")))
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(svc.file() + ": selector " + selector + " matches no pod"));
            Set<String> ports = new HashSet<>();
            for (JsonNode c : containers(pod)) {
                for (JsonNode p : c.path("ports")) {
                    ports.add(p.path("name").asText());
                    ports.add(p.path("containerPort").asText());
                }
            }
            for (JsonNode p : svc.node().path("spec").path("ports")) {
                String target = p.path("targetPort").asText(p.path("port").asText());
                assertTrue(
                        ports.contains(target), svc.file() + ": targetPort " + target + " not on a container " + ports);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void selectorsOfWorkloadsMatchTheirOwnPodLabels(Path folder) throws IOException {
        for (Doc d : docs(folder)) {
            JsonNode selector = d.node().path("spec").path("selector").path("matchLabels");
            JsonNode labels =
                    d.node().path("spec").path("template").path("metadata").path("labels");
            if (!selector.isMissingNode() && !labels.isMissingNode()) {
                assertTrue(matches(selector, labels), d.file() + ": selector does not match the pod template");
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void referencedConfigMapsExist(Path folder) throws IOException {
        List<Doc> docs = docs(folder);
        Set<String> configMaps = new HashSet<>();
        docs.stream().filter(d -> d.kind().equals("ConfigMap")).forEach(d -> configMaps.add(d.name()));
        for (JsonNode pod : podTemplates(docs)) {
            for (JsonNode v : pod.path("spec").path("volumes")) {
                if (v.has("configMap")) {
                    String name = v.path("configMap").path("name").asText();
                    assertTrue(configMaps.contains(name), folder + ": ConfigMap " + name + " is not defined");
                }
            }
            for (JsonNode c : containers(pod)) {
                Set<String> volumes = new HashSet<>();
                pod.path("spec")
                        .path("volumes")
                        .forEach(v -> volumes.add(v.path("name").asText()));
                for (JsonNode m : c.path("volumeMounts")) {
                    assertTrue(
                            volumes.contains(m.path("name").asText()),
                            folder + ": volumeMount " + m.path("name").asText() + " has no volume");
                }
            }
        }
    }

    @Test
    void theSandboxHasNoEgressAndRunsUnprivileged() throws IOException {
        List<Doc> docs = docs(K8S.resolve("reward-sandbox"));
        Doc policy = docs.stream()
                .filter(d -> d.kind().equals("NetworkPolicy"))
                .findFirst()
                .orElseThrow();
        assertTrue(policy.node().path("spec").path("policyTypes").toString().contains("Egress"));
        assertEquals(0, policy.node().path("spec").path("egress").size(), "no egress rule");
        JsonNode pod = podTemplates(docs).get(0);
        assertTrue(pod.path("spec").path("securityContext").path("runAsNonRoot").asBoolean());
        for (JsonNode c : containers(pod)) {
            assertFalse(
                    c.path("securityContext").path("allowPrivilegeEscalation").asBoolean(true));
            assertFalse(c.path("securityContext").path("privileged").asBoolean(false));
        }
    }

    @Test
    void theServerIsReadyOnGrpcHealthAndDrainsBeforeStopping() throws IOException {
        JsonNode pod = podTemplates(docs(K8S.resolve("server"))).get(0);
        JsonNode c = containers(pod).get(0);
        assertEquals(50051, c.path("readinessProbe").path("grpc").path("port").asInt());
        assertTrue(c.path("lifecycle").has("preStop"));
        assertTrue(c.path("args").toString().contains("--drain-timeout"));
    }

    @Test
    void theGrafanaDashboardQueriesOnlyMetricsTheServerExports() throws IOException {
        JsonNode dash = new ObjectMapper()
                .readTree(Path.of("grafana/r1-serve-dashboard.json").toFile());
        Set<String> exported = Set.of(
                "r1_time_to_first_token_seconds",
                "r1_inter_token_latency_seconds",
                "r1_e2e_request_latency_seconds",
                "r1_request_queue_time_seconds",
                "r1_num_requests_running",
                "r1_num_requests_waiting",
                "r1_engine_slots_busy",
                "r1_engine_slots",
                "r1_prompt_tokens_total",
                "r1_generation_tokens_total",
                "r1_request_success_total",
                "r1_requests_total",
                "r1_request_params_n",
                "r1_request_params_max_tokens");
        int queries = 0;
        for (JsonNode panel : dash.path("panels")) {
            for (JsonNode t : panel.path("targets")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("r1_[a-z0-9_]+")
                        .matcher(t.path("expr").asText());
                while (m.find()) {
                    String metric = m.group().replaceAll("_bucket$", "");
                    assertTrue(exported.contains(metric), "dashboard queries unknown metric " + metric);
                    queries++;
                }
            }
        }
        assertTrue(queries >= 10);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("folders")
    void serverConfigsInConfigMapsAreAcceptedByTheServersOwnParser(Path folder) throws IOException {
        for (Doc d : docs(folder)) {
            JsonNode yaml = d.node().path("data").path("r1.yaml");
            if (d.kind().equals("ConfigMap") && yaml.isTextual()) {
                Path file = Files.createTempFile("r1-config", ".yaml");
                try {
                    Files.writeString(file, yaml.asText());
                    dev.r1serve.server.config.ServerConfig config = dev.r1serve.server.config.ServerConfig.read(file);
                    assertFalse(config.models().isEmpty(), d.file() + ": models");
                } finally {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private static boolean matches(JsonNode selector, JsonNode labels) {
        if (selector.isMissingNode() || selector.isEmpty()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }
}
