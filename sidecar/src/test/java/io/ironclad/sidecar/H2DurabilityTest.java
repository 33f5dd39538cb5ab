package io.ironclad.sidecar;

import io.ironclad.sidecar.metadata.BrokenConnectionEviction;
import static io.ironclad.sidecar.Oci.body;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.memory.InMemoryDrivers;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import com.zaxxer.hikari.SQLExceptionOverride.Override;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * H2 closing its database underneath the sidecar, as it does itself after a failed write (disk
 * full): {@code SHUTDOWN IMMEDIATELY} closes the files without writing what is only in memory, as
 * a crash would. Everything acknowledged before must still be there (every write transaction was
 * synced before its 201), and the pool must drop its dead connections so that the next request
 * after the one that found the database closed reopens it.
 */
class H2DurabilityTest {

    @Test
    void acknowledgedWritesSurviveAnImmediateShutdownAndTheSidecarReopensTheDatabase() throws Exception {
        Path dir = Files.createTempDirectory("ironclad-h2-durability");
        String url = "jdbc:h2:file:" + dir.resolve("metadata");
        Random random = new Random(5);
        Map<String, String> tags = new LinkedHashMap<>();
        try (Sidecar sidecar = new Sidecar(url, InMemoryDrivers.create(), dir)) {
            for (int i = 0; i < 10; i++) {
                byte[] config = ("{\"n\":" + i + "}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
                byte[] layer = new byte[2000];
                random.nextBytes(layer);
                Oci.pushMonolithic(sidecar, "durable/h2", config);
                Oci.pushMonolithic(sidecar, "durable/h2", layer);
                byte[] manifest = Oci.imageManifest(config, layer);
                HttpResponse<byte[]> put = Oci.putManifest(sidecar, "durable/h2", "t" + i, Oci.OCI_MANIFEST, manifest);
                assertThat(put.statusCode()).as(body(put)).isEqualTo(201);
                tags.put("t" + i, digest(manifest));
            }
            try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
                s.execute("SHUTDOWN IMMEDIATELY");
            }

            HttpResponse<byte[]> first = sidecar.send(sidecar.request("/v2/durable/h2/manifests/t0").GET());
            assertThat(first.statusCode()).as("the request that finds the database closed: %s", body(first)).isIn(200, 503);
            for (Map.Entry<String, String> tag : tags.entrySet()) {
                HttpResponse<byte[]> get = Oci.get(sidecar, "/v2/durable/h2/manifests/" + tag.getKey());
                assertThat(get.statusCode()).as("tag %s after the shutdown: %s", tag.getKey(), body(get)).isEqualTo(200);
                assertThat(digest(get.body())).isEqualTo(tag.getValue());
            }
            assertThat(sidecar.bean(javax.sql.DataSource.class).unwrap(com.zaxxer.hikari.HikariDataSource.class)
                    .getExceptionOverrideClassName()).as("configured in application.yml").isEqualTo(BrokenConnectionEviction.class.getName());
            HttpResponse<byte[]> push = sidecar.send(sidecar.request("/v2/durable/h2/blobs/uploads/?digest=" + digest(new byte[] {1}))
                    .POST(BodyPublishers.ofByteArray(new byte[] {1})));
            assertThat(push.statusCode()).as("a write after the reopen: %s", body(push)).isEqualTo(201);
        }
    }

    @Test
    void onlyAClosedOrBrokenH2DatabaseEvictsConnections() throws Exception {
        String url = "jdbc:h2:mem:evict-" + System.nanoTime();
        BrokenConnectionEviction eviction = new BrokenConnectionEviction();
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
            s.execute("INSERT INTO t VALUES (1)");
            SQLException duplicate = org.assertj.core.api.Assertions.catchThrowableOfType(() -> s.execute("INSERT INTO t VALUES (1)"),
                    SQLException.class);
            assertThat(eviction.adjudicate(duplicate)).isEqualTo(Override.CONTINUE_EVICT);
            s.execute("SHUTDOWN IMMEDIATELY");
            SQLException closed = org.assertj.core.api.Assertions.catchThrowableOfType(() -> s.execute("SELECT 1"), SQLException.class);
            assertThat(eviction.adjudicate(closed)).as(closed.toString()).isEqualTo(Override.MUST_EVICT);
        }
        assertThat(eviction.adjudicate(new SQLException("connection refused", "08001", 0))).isEqualTo(Override.CONTINUE_EVICT);
    }
}
