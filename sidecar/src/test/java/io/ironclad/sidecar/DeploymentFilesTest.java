package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.memory.InMemoryDrivers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The deployment examples under ops/deploy agree with what they deploy: the Kubernetes probes
 * name endpoints a running sidecar answers without credentials, the container port, user and
 * jar name match the image (sidecar/pom.xml) and the build, and every ConfigMap key is a setting.
 * (No Kubernetes schema validator is available offline here; this checks the parts that are ours.)
 */
class DeploymentFilesTest {

    private static final Path DEPLOY = Path.of("..", "ops", "deploy");

    @Test
    @SuppressWarnings("unchecked")
    void kubernetesExampleMatchesTheImageAndTheSidecar(@TempDir Path dir) throws Exception {
        List<Map<String, Object>> docs = new ArrayList<>();
        new Yaml().loadAll(Files.readString(DEPLOY.resolve("kubernetes/ironclad.yaml"))).forEach(d -> docs.add((Map<String, Object>) d));
        assertThat(docs).extracting(d -> d.get("kind")).containsExactly("ConfigMap", "Secret", "Secret", "Deployment", "Service",
                "PodDisruptionBudget");
        Map<String, Object> config = (Map<String, Object>) docs.get(0).get("data");
        assertThat(config.keySet()).allMatch(k -> k.startsWith("IRONCLAD_") || k.equals("JAVA_TOOL_OPTIONS"));
        Map<String, Object> pod = (Map<String, Object>) path(docs.get(3), "spec", "template", "spec");
        Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
        String pom = Files.readString(Path.of("pom.xml"));
        assertThat(pom).contains("<user>" + path(pod, "securityContext", "runAsUser") + ":" + path(pod, "securityContext", "runAsGroup") + "</user>");
        Object port = ((List<Map<String, Object>>) container.get("ports")).get(0).get("containerPort");
        assertThat(String.valueOf(port)).isEqualTo(config.get("IRONCLAD_PORT"));
        assertThat(pom).contains("<port>" + port + "</port>");

        List<String> probes = new ArrayList<>();
        for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
            probes.add((String) path(container, probe, "httpGet", "path"));
        }
        String db = "jdbc:h2:mem:deploy-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Sidecar sidecar = new Sidecar(db, InMemoryDrivers.create(), dir)) {
            for (String probe : probes) {
                assertThat(sidecar.send(sidecar.request(probe).GET()).statusCode()).as("probe %s", probe).isEqualTo(200);
            }
        }
    }

    @Test
    void systemdUnitRunsTheJarTheBuildMakes() throws Exception {
        String unit = Files.readString(DEPLOY.resolve("systemd/ironclad.service"));
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<finalName>ironclad-sidecar</finalName>");
        assertThat(unit).containsPattern("(?m)^ExecStart=/usr/bin/java \\$JAVA_OPTS -jar /opt/ironclad/ironclad-sidecar\\.jar serve$")
                .containsPattern("(?m)^User=ironclad$").containsPattern("(?m)^Environment=IRONCLAD_DATA_DIR=/var/lib/ironclad$")
                .containsPattern("(?m)^EnvironmentFile=-/etc/ironclad/ironclad.env$");
        for (String line : Files.readAllLines(DEPLOY.resolve("systemd/ironclad.env"))) {
            String setting = line.replaceFirst("^#", "");
            if (setting.matches("[A-Z_]+=.*")) {
                assertThat(setting).as("env file line").startsWith("IRONCLAD_");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Object path(Map<String, Object> map, String... keys) {
        Object node = map;
        for (String key : keys) {
            assertThat(node).as("%s in %s", key, String.join(".", keys)).isInstanceOf(Map.class);
            node = ((Map<String, Object>) node).get(key);
        }
        assertThat(node).as(String.join(".", keys)).isNotNull();
        return node;
    }
}
