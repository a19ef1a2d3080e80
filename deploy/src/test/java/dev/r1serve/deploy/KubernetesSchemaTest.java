package dev.r1serve.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;

/**
 * Every Kubernetes manifest against the Kubernetes API's own types, offline: fabric8's models are generated from
 * the Kubernetes OpenAPI schemas (and prometheus-operator's CRDs), so binding a manifest to them strictly checks
 * every field name at every depth, every value's type and every enum-like structure (IntOrString, Quantity) as the
 * API server's schema would. A misspelled field, which kubectl would drop or refuse, fails the build here.
 */
class KubernetesSchemaTest {

    /** apiVersion/kind to the API type; a manifest of a kind not listed here fails, so none goes unchecked. */
    static final Map<String, Class<?>> TYPES = Map.of(
            "apps/v1/Deployment", Deployment.class,
            "v1/Service", Service.class,
            "v1/ConfigMap", ConfigMap.class,
            "autoscaling/v2/HorizontalPodAutoscaler", HorizontalPodAutoscaler.class,
            "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class,
            "networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class,
            "batch/v1/Job", Job.class,
            "monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class);

    /**
     * The models keep unknown fields in an "additionalProperties" map (@JsonAnySetter) for forward compatibility;
     * turning that off makes an unknown field an error naming its path.
     */
    private static final JsonMapper STRICT = JsonMapper.builder()
            .annotationIntrospector(new JacksonAnnotationIntrospector() {
                @Override
                public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
                    return false;
                }
            })
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    record Doc(Path file, JsonNode node) {
        @Override
        public String toString() {
            return file + " " + node.path("kind").asText() + "/"
                    + node.path("metadata").path("name").asText();
        }
    }

    static List<Doc> manifests() throws IOException {
        List<Doc> docs = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("k8s"))) {
            for (Path f :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> it =
                        YAML.readerFor(JsonNode.class).readValues(f.toFile())) {
                    while (it.hasNext()) {
                        JsonNode n = it.next();
                        if (n != null && !n.isEmpty()) {
                            docs.add(new Doc(f, n));
                        }
                    }
                }
            }
        }
        return docs;
    }

    /** Binds a manifest to its API type; throws naming the field that does not fit. */
    static Object validate(JsonNode manifest) {
        String type = manifest.path("apiVersion").asText() + "/"
                + manifest.path("kind").asText();
        Class<?> model = TYPES.get(type);
        if (model == null) {
            throw new AssertionError("no Kubernetes API type registered for " + type + ": add it to TYPES");
        }
        return STRICT.readValue(manifest.toString(), model);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void everyManifestFitsItsKubernetesApiType(Doc doc) {
        assertNotNull(validate(doc.node()));
    }

    @Test
    void everyFolderIsCovered() throws IOException {
        List<Doc> docs = manifests();
        assertTrue(docs.size() >= 13, docs.toString());
        assertEquals(
                4,
                docs.stream()
                        .map(d -> d.file().getParent().getFileName().toString())
                        .distinct()
                        .count());
        // Every registered type is one some manifest uses (the list stays the manifests' own).
        for (String type : TYPES.keySet()) {
            assertTrue(
                    docs.stream()
                            .anyMatch(
                                    d -> type.equals(d.node().path("apiVersion").asText() + "/"
                                            + d.node().path("kind").asText())),
                    type);
        }
    }

    @Test
    void aMisspelledFieldDeepInAPodTemplateIsRefusedWithItsPath() throws IOException {
        JsonNode bad = YAML.readTree("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: x}
                spec:
                  selector: {matchLabels: {app: x}}
                  template:
                    metadata: {labels: {app: x}}
                    spec:
                      containers:
                        - name: x
                          image: x
                          readinessProbe: {grpc: {port: 50051}, initialDelaySecond: 5}
                """);
        Exception e = assertThrows(Exception.class, () -> validate(bad));
        assertTrue(e.getMessage().contains("initialDelaySecond"), e.getMessage());
        assertTrue(e.getMessage().contains("readinessProbe"), e.getMessage());
    }

    @Test
    void aValueOfTheWrongTypeIsRefused() throws IOException {
        JsonNode bad = YAML.readTree("""
                apiVersion: v1
                kind: Service
                metadata: {name: x}
                spec:
                  ports: [{name: grpc, port: {number: 50051}}]
                """);
        Exception e = assertThrows(Exception.class, () -> validate(bad));
        assertTrue(e.getMessage().contains("port"), e.getMessage());
    }
}
