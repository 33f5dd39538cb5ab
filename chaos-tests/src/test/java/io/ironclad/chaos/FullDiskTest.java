package io.ironclad.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.chaos.CrashClient.Ack;
import io.ironclad.chaos.CrashClient.Reply;
import io.ironclad.testsupport.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A full disk never takes back an acknowledgement (issue 20): the real sidecar on H2 with its data
 * directory on a 48 MiB tmpfs (mounted here; CI runs as root) is pushed to until writes fail. Every
 * failure must be a 5xx, never a 201; after a filler file is deleted, everything acknowledged is
 * still there, the tag list is what it was, also after a SIGKILL and restart, and writes succeed again.
 */
@Tag("integration")
class FullDiskTest {

    private static final String REPO = "full/disk";
    private static final int LAYER_BYTES = 256 * 1024;

    private Path mount;
    private SidecarProcess sidecar;

    @AfterEach
    void cleanUp() throws Exception {
        if (sidecar != null) {
            sidecar.close();
        }
        if (mount != null) {
            run("umount", mount.toString());
        }
    }

    @Test
    void writesFailWith5xxWhileTheDiskIsFullAndNothingAcknowledgedIsLost() throws Exception {
        Path work = Files.createDirectories(SideBySideTest.projectRoot().resolve("chaos-tests/target/crash-it")
                .resolve("full-disk-" + System.currentTimeMillis()));
        mount = Files.createDirectories(work.resolve("data"));
        assertThat(run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.toString())).as("mount a 48 MiB tmpfs (needs root)").isZero();
        Path filler = mount.resolve("filler");
        Files.write(filler, new byte[36 << 20]);

        sidecar = new SidecarProcess(work, SidecarProcess.freePort(), Map.of("ironclad.data-dir", mount.toString()));
        sidecar.archiveClasses();
        sidecar.start();
        CrashClient client = new CrashClient(sidecar.uri());
        Random random = new Random(48);
        Map<String, String> ackedTags = new LinkedHashMap<>();
        List<String> ackedBlobs = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        int attempts = 0;
        for (; attempts < 400 && failures.size() < 20; attempts++) {
            push(client, random, "t" + attempts, ackedTags, ackedBlobs, failures);
        }
        System.out.printf("full disk: %d pushes, %d tags and %d blobs acknowledged, %d writes failed: %s%n",
                attempts, ackedTags.size(), ackedBlobs.size(), failures.size(), failures.stream().distinct().limit(5).toList());
        assertThat(failures).as("writes failed once the disk was full").hasSizeGreaterThanOrEqualTo(20);
        assertThat(failures).as("every failed write answered 5xx").allMatch(f -> f.matches(".* 5\\d\\d .*"));
        assertThat(failures).as("error bodies carry no database driver text").noneMatch(f -> f.contains("org.h2"));
        assertThat(ackedTags).as("tags acknowledged before the disk filled").isNotEmpty();

        Files.delete(filler);
        List<String> before = acknowledgedStillThere(client, ackedTags, ackedBlobs);
        Await.until("a push succeeds after space was freed", Duration.ofSeconds(30),
                () -> push(client, random, "after-free", ackedTags, ackedBlobs, new ArrayList<>()));

        sidecar.kill();
        sidecar.start();
        CrashClient restarted = new CrashClient(sidecar.uri());
        List<String> after = acknowledgedStillThere(restarted, ackedTags, ackedBlobs);
        assertThat(after).as("tag list after a restart").containsAll(before).contains("after-free");
        assertThat(push(restarted, random, "after-restart", ackedTags, ackedBlobs, new ArrayList<>())).as("a push after the restart").isTrue();
        System.out.printf("full disk: after freeing space and after a restart, all %d acknowledged tags and %d blobs are there%n",
                ackedTags.size(), ackedBlobs.size());
    }

    /** Pushes a config, a layer and a manifest under {@code tag}; writes down acknowledgements and failures. */
    private static boolean push(CrashClient client, Random random, String tag, Map<String, String> ackedTags, List<String> ackedBlobs,
            List<String> failures) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"n\":\"" + tag + random.nextLong() + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] layer = new byte[LAYER_BYTES];
        random.nextBytes(layer);
        for (byte[] blob : List.of(config, layer)) {
            Reply reply = client.pushBlob(REPO, Digests.of(blob), blob);
            if (reply.ack() != Ack.ACKED) {
                failures.add("blob POST " + reply.answer());
                return false;
            }
            ackedBlobs.add(Digests.of(blob));
        }
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + CrashClient.MANIFEST_TYPE + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Digests.of(config) + "\",\"size\":" + config.length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"" + Digests.of(layer)
                + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        Reply reply = client.putManifest(REPO, tag, manifest);
        if (reply.ack() != Ack.ACKED) {
            failures.add("manifest PUT " + reply.answer());
            return false;
        }
        ackedTags.put(tag, Digests.of(manifest));
        return true;
    }

    /** Asserts every acknowledged tag and blob is served right; returns the tag list. */
    private static List<String> acknowledgedStillThere(CrashClient client, Map<String, String> tags, List<String> blobs) throws Exception {
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            CrashClient.Read read = readSoon(client, "/v2/" + REPO + "/manifests/" + tag.getKey());
            assertThat(read.status()).as("tag %s", tag.getKey()).isEqualTo(200);
            assertThat(read.sha256()).as("tag %s", tag.getKey()).hasValue(tag.getValue());
        }
        for (String blob : blobs) {
            CrashClient.Read read = client.get("/v2/" + REPO + "/blobs/" + blob, false);
            assertThat(read.status()).as("blob %s", blob).isEqualTo(200);
            assertThat(read.sha256()).as("blob %s", blob).hasValue(blob);
        }
        String list = client.tagList(REPO);
        List<String> listed = new ArrayList<>();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"([^\"]+)\"").matcher(list.substring(list.indexOf('[')));
        while (m.find()) {
            listed.add(m.group(1));
        }
        assertThat(listed).as("tag list").containsAll(tags.keySet());
        return listed;
    }

    /**
     * The first GET that is not a 503: the request that finds H2 closed after a failed write gets
     * 503 and evicts the dead connection; the next reopens the database.
     */
    private static CrashClient.Read readSoon(CrashClient client, String path) {
        CrashClient.Read[] read = new CrashClient.Read[1];
        Await.until("GET " + path + " answers other than 503", Duration.ofSeconds(30), () -> {
            try {
                read[0] = client.get(path, true);
                return read[0].status() != 503;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        });
        return read[0];
    }

    private static int run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return p.exitValue();
    }
}
