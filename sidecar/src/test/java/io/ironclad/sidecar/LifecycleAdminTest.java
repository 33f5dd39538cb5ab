package io.ironclad.sidecar;

import io.ironclad.sidecar.jobs.BlobCollector;
import io.ironclad.sidecar.registry.BlobLayout;
import io.ironclad.sidecar.registry.Digests;
import static io.ironclad.sidecar.Oci.body;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.testsupport.Await;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Repository deletion (admin API and {@code ironclad repo delete}) and retention rules (dry-run
 * report, then applied) on one sidecar; deletes-off answers 405 on another.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LifecycleAdminTest {

    private final ObjectMapper json = new ObjectMapper();
    private final Random random = new Random(23);
    private final String db = "jdbc:h2:mem:lifecycle-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
    private StorageDriver driver;
    private Sidecar sidecar;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        driver = InMemoryDrivers.create();
        dir = Files.createTempDirectory("ironclad-lifecycle");
        sidecar = new Sidecar(db, driver, dir, Map.of("ironclad.retention.keep-last", "1",
                "ironclad.retention.keep-patterns", "release-.*"));
    }

    @AfterAll
    void stop() {
        sidecar.close();
    }

    @Test
    void aDeletedRepositoryIsGoneAndItsOwnBlobsAreCollectedWhileSharedOnesStay() throws Exception {
        String doomed = repo();
        String other = repo();
        byte[] shared = blob(2000);
        byte[] own = blob(3000);
        byte[] config = blob(100);
        image(doomed, "v1", config, own, shared);
        image(other, "v1", config, shared);

        HttpResponse<byte[]> dry = sidecar.send(sidecar.request("/admin/repositories/" + doomed + "?dry-run=true").DELETE());
        assertThat(dry.statusCode()).as(body(dry)).isEqualTo(202);
        assertThat(json.readTree(dry.body()).path("manifests").asInt()).isEqualTo(1);
        assertThat(json.readTree(dry.body()).path("blobLinks").asInt()).isEqualTo(3);
        assertThat(Oci.get(sidecar, "/v2/" + doomed + "/manifests/v1").statusCode()).isEqualTo(200);

        HttpResponse<byte[]> deleted = sidecar.send(sidecar.request("/admin/repositories/" + doomed).DELETE());
        assertThat(deleted.statusCode()).as(body(deleted)).isEqualTo(202);
        assertThat(json.readTree(deleted.body()).path("tags").asInt()).isEqualTo(1);
        assertThat(Oci.get(sidecar, "/v2/" + doomed + "/manifests/v1").statusCode()).isEqualTo(404);
        assertThat(Oci.get(sidecar, "/v2/" + doomed + "/tags/list").statusCode()).isEqualTo(404);
        HttpResponse<byte[]> again = sidecar.send(sidecar.request("/admin/repositories/" + doomed).DELETE());
        assertThat(again.statusCode()).isEqualTo(404);
        assertThat(Oci.errorCode(again)).isEqualTo("NAME_UNKNOWN");

        while (sidecar.bean(BlobCollector.class).collect() > 0) {
            // drain
        }
        assertThat(stored(own)).as("the deleted repository's own layer").isFalse();
        assertThat(stored(shared)).as("the layer the other repository uses").isTrue();
        assertThat(Oci.get(sidecar, "/v2/" + other + "/blobs/" + digest(shared)).body()).isEqualTo(shared);
    }

    @Test
    void theCliDeletesARepositoryOnlyWithDeletesEnabled() {
        String doomed = repo();
        image(doomed, "v1", blob(100), blob(1000));
        String url = "datasources.default.url=" + db;

        CliBackendsTest.Run refused = CliBackendsTest.run("repo", "delete", doomed, "--data-dir", dir.toString(), "--set", url);
        assertThat(refused.exitCode()).as(refused.err()).isEqualTo(2);
        assertThat(refused.err()).contains("ironclad.delete.enabled");

        CliBackendsTest.Run run = CliBackendsTest.run("repo", "delete", doomed, "--data-dir", dir.toString(), "--set", url,
                "--set", "ironclad.delete.enabled=true");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(0);
        assertThat(run.out()).contains("\"manifests\" : 1");
        assertThat(Oci.get(sidecar, "/v2/" + doomed + "/manifests/v1").statusCode()).isEqualTo(404);
    }

    @Test
    void retentionReportsFirstThenKeepsTheNewestTagAndTheMatchingOnes() throws Exception {
        String repo = repo();
        List<String> order = List.of("old-1", "release-1", "old-2", "newest");
        for (String tag : order) {
            long before = System.currentTimeMillis();
            image(repo, tag, blob(100), blob(500));
            Await.until("the clock moved on (tags are ordered by push time)", Duration.ofSeconds(5), () -> System.currentTimeMillis() > before);
        }

        JsonNode plan = planFor(json.readTree(sidecar.send(sidecar.request("/admin/retention").GET()).body()), repo);
        assertThat(names(plan.path("deleted"))).containsExactlyInAnyOrder("old-1", "old-2");
        assertThat(names(plan.path("kept"))).containsExactlyInAnyOrder("newest", "release-1");
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/manifests/old-1").statusCode()).as("a dry run deletes nothing").isEqualTo(200);

        HttpResponse<byte[]> applied = sidecar.send(sidecar.request("/admin/retention").POST(BodyPublishers.noBody()));
        assertThat(applied.statusCode()).as(body(applied)).isEqualTo(200);
        assertThat(json.readTree(applied.body()).path("tagsDeleted").asInt()).isGreaterThanOrEqualTo(2);
        for (String tag : order) {
            int expected = tag.startsWith("old") ? 404 : 200;
            assertThat(Oci.get(sidecar, "/v2/" + repo + "/manifests/" + tag).statusCode()).as(tag).isEqualTo(expected);
        }
    }

    @Test
    void withDeletesOffARepositoryDeleteIs405() throws Exception {
        try (Sidecar locked = new Sidecar("jdbc:h2:mem:locked-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                Files.createTempDirectory("ironclad-locked"), Map.of("ironclad.delete.enabled", false))) {
            HttpResponse<byte[]> r = locked.send(locked.request("/admin/repositories/some/repo").DELETE());
            assertThat(r.statusCode()).as(body(r)).isEqualTo(405);
            assertThat(Oci.errorCode(r)).isEqualTo("UNSUPPORTED");
        }
    }

    private static JsonNode planFor(JsonNode report, String repo) {
        for (JsonNode plan : report.path("repositories")) {
            if (plan.path("repository").asText().equals(repo)) {
                return plan;
            }
        }
        throw new AssertionError("no plan for " + repo + " in " + report);
    }

    private static List<String> names(JsonNode array) {
        List<String> names = new ArrayList<>();
        array.forEach(n -> names.add(n.isTextual() ? n.asText() : n.path("name").asText()));
        return names;
    }

    private void image(String repo, String tag, byte[] config, byte[]... layers) {
        Oci.pushMonolithic(sidecar, repo, config);
        for (byte[] layer : layers) {
            Oci.pushMonolithic(sidecar, repo, layer);
        }
        HttpResponse<byte[]> r = Oci.putManifest(sidecar, repo, tag, Oci.OCI_MANIFEST, Oci.imageManifest(config, layers));
        assertThat(r.statusCode()).as(body(r)).isEqualTo(201);
    }

    private boolean stored(byte[] blob) {
        try {
            driver.stat(ObjectKey.of(BlobLayout.key(Digests.sha256(blob)).value()), ReadOptions.FRESH);
            return true;
        } catch (io.ironclad.driver.ObjectNotFoundException e) {
            return false;
        } catch (io.ironclad.driver.StorageException e) {
            throw new IllegalStateException(e);
        }
    }

    private byte[] blob(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    private String repo() {
        return "life/" + UUID.randomUUID().toString().substring(0, 8);
    }
}
