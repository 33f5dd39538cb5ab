package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.testsupport.OpsService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The cross-zone side-by-side of issue 8 on the real RGW multisite pair, replication of both
 * buckets paused: images pushed to a registry on z1 are pulled at once from a second registry
 * on z2 (ops/chaos/side-by-side-s3.sh). Ironclad's z2 sidecar has z1 as freshness endpoint and
 * must serve every pull with correct bytes, through counted freshness fetches; the two Debian
 * docker-registry instances' figures are printed, not asserted.
 */
@Tag("integration")
class RgwSideBySideTest {

    private static final int OPERATIONS = 300;
    private static final List<String> SETTINGS = List.of("IRONCLAD_S3_ENDPOINT", "IRONCLAD_S3_Z2_ENDPOINT", "IRONCLAD_S3_REGION",
            "IRONCLAD_S3_ACCESS_KEY", "IRONCLAD_S3_SECRET_KEY", "IRONCLAD_RGW_DIR");

    @Test
    void pullsFromTheLaggingZoneAreCorrectAndCountedWhileReplicationIsPaused() throws Exception {
        OpsService rgw = OpsService.get("ceph/rgw.sh", "IRONCLAD_S3_ENDPOINT");
        Path root = SideBySideTest.projectRoot();
        Path work = Files.createDirectories(Path.of("target", "chaos-s3", Long.toString(System.currentTimeMillis())).toAbsolutePath());
        ProcessBuilder script = new ProcessBuilder(root.resolve("ops/chaos/side-by-side-s3.sh").toString(), "paused",
                Integer.toString(OPERATIONS), "7", work.toString())
                .directory(root.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("run.log").toFile());
        Map<String, String> environment = script.environment();
        SETTINGS.forEach(name -> environment.put(name, rgw.setting(name)));
        // the module's jar is built after its tests: run the CLI from this test's class path
        environment.put("IRONCLAD_CHAOS_RUN", javaCommand() + " -cp " + System.getProperty("java.class.path") + " " + ChaosCli.class.getName());

        Process process = script.start();
        boolean finished = process.waitFor(10, TimeUnit.MINUTES);
        String log = Files.readString(work.resolve("run.log"));
        System.out.print(log);
        assertThat(finished).as("side-by-side-s3.sh finished within 10 minutes").isTrue();
        assertThat(process.exitValue()).as("side-by-side-s3.sh exit status; its output:\n" + log).isZero();

        JsonNode ironclad = new ObjectMapper().readTree(work.resolve("report.json").toFile()).path("targets").path(0);
        assertThat(ironclad.path("target").asText()).isEqualTo("ironclad");
        assertThat(ironclad.path("operations").asLong()).isGreaterThanOrEqualTo(OPERATIONS);
        assertThat(ironclad.path("corruptServed").asLong()).as("corrupt blobs served by Ironclad").isZero();
        assertThat(ironclad.path("failures").toString()).as("failed Ironclad operations").isEqualTo("{}");
        assertThat(ironclad.path("sidecarEvents").path("freshness_fetch").asLong())
                .as("z2 lacks every blob while replication is paused: pulls must fetch from z1").isPositive();
    }

    private static String javaCommand() throws IOException {
        return Path.of(System.getProperty("java.home"), "bin", "java").toRealPath().toString();
    }
}
