package io.ironclad.sidecar;

import io.ironclad.sidecar.cli.CliBackends;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.sidecar.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The commands configured as the sidecar is: unreachable backends, bad settings, and gc on an H2 + filesystem sidecar's data. */
class CliBackendsTest {

    @TempDir
    Path temp;

    record Run(int exitCode, String out, String err) {
        Map<String, Object> summary() throws Exception {
            return new ObjectMapper().readValue(out, new TypeReference<Map<String, Object>>() { });
        }
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new CliBackends(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void unreachableSwiftIsOneLineNamingDriverAndEndpointWithExitThree() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String authUrl = "http://127.0.0.1:" + port + "/auth/v1.0";
        Run run = run("verify", "--driver", "swift", "--set", "ironclad.driver.swift.auth-url=" + authUrl,
                "--set", "ironclad.driver.swift.user=test:tester", "--set", "ironclad.driver.swift.key=testing",
                "--set", "ironclad.driver.swift.request-timeout=2s");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
        assertThat(run.err().lines().toList()).hasSize(1);
        assertThat(run.err()).contains("swift store at " + authUrl);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void missingSettingIsAUsageError() {
        Run run = run("backfill", "--driver", "swift");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("ironclad.driver.swift.auth-url");
    }

    @Test
    void unreachableDatabaseStopsGcWithExitThree() {
        Run run = run("gc", "--dry-run", "--data-dir", temp.toString(),
                "--set", "datasources.default.url=jdbc:postgresql://127.0.0.1:1/none", "--set", "datasources.default.connection-timeout=2000");
        assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
    }

    @Test
    void verifiesAnIroncladRepositoryThenGcDryRunListsAndGcDeletesOnlyUnreferencedBlobsPastTheGracePeriod() throws Exception {
        String jdbc = "jdbc:h2:file:" + temp.resolve("metadata").toAbsolutePath();
        byte[] orphan = "orphaned blob bytes".getBytes(StandardCharsets.UTF_8);
        byte[] kept = "kept blob bytes".getBytes(StandardCharsets.UTF_8);
        try (Sidecar sidecar = new Sidecar(jdbc, Map.of("ironclad.driver.type", "filesystem"), temp)) {
            Oci.pushMonolithic(sidecar, "gc/app", orphan);
            Oci.pushMonolithic(sidecar, "gc/app", kept);
            // a manifest references the kept blob: reachability GC unlinks blobs no manifest names
            assertThat(Oci.putManifest(sidecar, "gc/app", "v1", Oci.OCI_MANIFEST, Oci.imageManifest(kept)).statusCode()).isEqualTo(201);
            assertThat(sidecar.send(sidecar.request("/v2/gc/app/blobs/" + Oci.digest(orphan)).DELETE()).statusCode()).isEqualTo(202);
        }
        String[] store = {"--driver", "filesystem", "--data-dir", temp.toString(), "--set", "datasources.default.url=" + jdbc};

        Run repository = run(concat(new String[] {"verify", "--repository", "gc/app"}, store));
        assertThat(repository.exitCode()).as(repository.err()).isZero();
        assertThat(repository.summary()).containsEntry("objects", 1).containsEntry("ok", 1).containsEntry("missingMetadata", 0)
                .containsEntry("bytes", kept.length);
        Run whole = run(concat(new String[] {"verify", "--prefix", "blobs/"}, store));
        assertThat(whole.summary()).containsEntry("objects", 2).containsEntry("ok", 2).containsEntry("missingMetadata", 0);

        Run graced = run(concat(new String[] {"gc", "--dry-run"}, store));
        assertThat(graced.exitCode()).as(graced.err()).isZero();
        assertThat(graced.summary().get("wouldCollect")).as("the default 24h grace period protects a fresh blob").isEqualTo(0);

        Run dry = run(concat(new String[] {"gc", "--dry-run", "--grace-period", "0s"}, store));
        assertThat(dry.summary().get("wouldCollect")).isEqualTo(1);
        assertThat(dry.summary().get("bytes")).isEqualTo(orphan.length);
        assertThat(storedFiles()).hasSize(2);

        Run gc = run(concat(new String[] {"gc", "--grace-period", "0s"}, store));
        assertThat(gc.exitCode()).as(gc.err()).isZero();
        assertThat(gc.summary().get("collected")).isEqualTo(1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> blobs = (List<Map<String, Object>>) gc.summary().get("blobs");
        assertThat(blobs).extracting(b -> b.get("digest")).containsExactly(Oci.digest(orphan));
        assertThat(storedFiles()).hasSize(1);
    }

    private List<Path> storedFiles() throws Exception {
        try (Stream<Path> files = Files.walk(temp.resolve("store"))) {
            return files.filter(Files::isRegularFile).filter(f -> f.toString().contains("blobs")).toList();
        }
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }
}
