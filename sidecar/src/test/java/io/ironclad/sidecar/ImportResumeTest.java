package io.ironclad.sidecar;

import io.ironclad.sidecar.cli.CliBackends;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.sidecar.cli.Backends;
import io.ironclad.sidecar.cli.Cli;
import io.ironclad.sidecar.cli.CliException;
import io.ironclad.sidecar.cli.importer.ImportTarget;
import io.ironclad.driver.StorageDriver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ironclad import} on a distribution tree written here as plain files (as distribution's
 * filesystem driver lays it out), into the H2 database of the command's own context: a run whose
 * database fails in the second repository stops with exit 3; the same command with the same
 * checkpoint continues after the first repository and ends with what one clean run finds.
 */
class ImportResumeTest {

    @TempDir
    Path temp;

    @Test
    void anImportThatStoppedContinuesAfterTheLastRepositoryItCompleted() throws Exception {
        Path root = temp.resolve("distribution");
        Random random = new Random(3);
        for (String repository : List.of("alpha/one", "beta", "gamma/deep/name")) {
            image(root, repository, random);
        }
        String[] flags = {"import", "--driver", "filesystem", "--set", "ironclad.driver.filesystem.root=" + root,
            "--data-dir", temp.resolve("ironclad").toString(), "--checkpoint", temp.resolve("import.ckpt").toString()};

        AtomicBoolean failed = new AtomicBoolean();
        DockerRegistryStoreOpsTest.Run stopped = run(flags, new FailingIn("beta", failed));
        assertThat(stopped.exitCode()).as(stopped.err()).isEqualTo(CliException.UNREACHABLE);
        assertThat(stopped.err()).contains("run again with --checkpoint");
        assertThat(failed).isTrue();

        DockerRegistryStoreOpsTest.Run resumed = run(flags, new CliBackends());
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.count("resumedObjects")).as("alpha/one's config, layer and manifest").isEqualTo(3);
        assertThat(resumed.count("repositories")).isEqualTo(3);
        assertThat(resumed.count("manifestsImported")).isEqualTo(3);
        assertThat(resumed.count("tagsImported")).isEqualTo(3);
        assertThat(resumed.count("blobsAdopted")).isEqualTo(6);
        assertThat(resumed.count("objects")).isEqualTo(9);
        assertThat(resumed.count("blobsNotImported") + resumed.count("manifestsNotImported") + resumed.count("tagsNotImported")).isZero();

        DockerRegistryStoreOpsTest.Run again = run(java.util.Arrays.copyOf(flags, flags.length - 2), new CliBackends());
        assertThat(again.exitCode()).isZero();
        assertThat(again.count("objects")).as("a second run reads nothing").isZero();
        assertThat(again.count("blobsAlreadyImported")).isEqualTo(6);
        assertThat(again.count("tagsAlreadyImported")).isEqualTo(3);
    }

    /** The sidecar's backends, whose import target fails for good at the first blob of {@code repository}. */
    private record FailingIn(String repository, AtomicBoolean failed) implements Backends {
        @Override
        public StorageDriver driver(Map<String, Object> overrides) throws CliException {
            return new CliBackends().driver(overrides);
        }

        @Override
        public GcResult collect(Map<String, Object> overrides, boolean dryRun) {
            throw new UnsupportedOperationException();
        }

        @Override
        public List<Collected> repositoryBlobs(Map<String, Object> overrides, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public java.util.Optional<io.ironclad.sidecar.lifecycle.RepositoryDeletion.Deleted> deleteRepository(
                Map<String, Object> overrides, String name, boolean dryRun) {
            throw new UnsupportedOperationException();
        }

        @Override
        public io.ironclad.sidecar.lifecycle.Retention.Report retention(Map<String, Object> overrides, boolean apply) {
            throw new UnsupportedOperationException();
        }

        @Override
        public ImportTarget importTarget(Map<String, Object> overrides) throws CliException {
            ImportTarget real = new CliBackends().importTarget(overrides);
            return (ImportTarget) Proxy.newProxyInstance(ImportTarget.class.getClassLoader(), new Class<?>[] {ImportTarget.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("adoptBlob") && repository.equals(args[0])) {
                            failed.set(true);
                            throw new ImportTarget.Unavailable("database went away", null);
                        }
                        try {
                            return method.invoke(real, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
        }
    }

    private static DockerRegistryStoreOpsTest.Run run(String[] args, Backends backends) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, backends, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                false);
        String text = out.toString(StandardCharsets.UTF_8);
        Map<String, Object> summary = text.startsWith("{") ? new com.fasterxml.jackson.databind.ObjectMapper().readValue(text,
                new com.fasterxml.jackson.core.type.TypeReference<Map<String, Object>>() { }) : Map.of();
        return new DockerRegistryStoreOpsTest.Run(code, summary, err.toString(StandardCharsets.UTF_8));
    }

    /** A config, a layer and an OCI manifest in {@code repository}, tagged {@code v1}, as distribution stores them. */
    private static void image(Path root, String repository, Random random) throws Exception {
        byte[] layer = new byte[1000];
        random.nextBytes(layer);
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"r\":\""
                + repository + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + Oci.OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + Oci.digest(config) + "\",\"size\":" + config.length
                + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"" + Oci.digest(layer)
                + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
        Path tree = root.resolve("docker/registry/v2");
        Path repo = tree.resolve("repositories").resolve(repository);
        for (byte[] blob : List.of(config, layer, manifest)) {
            String hex = Oci.digest(blob).substring(7);
            write(tree.resolve("blobs/sha256/" + hex.substring(0, 2) + "/" + hex + "/data"), blob);
            String kind = blob == manifest ? "_manifests/revisions" : "_layers";
            write(repo.resolve(kind + "/sha256/" + hex + "/link"), Oci.digest(blob).getBytes(StandardCharsets.US_ASCII));
        }
        String hex = Oci.digest(manifest).substring(7);
        write(repo.resolve("_manifests/tags/v1/current/link"), Oci.digest(manifest).getBytes(StandardCharsets.US_ASCII));
        write(repo.resolve("_manifests/tags/v1/index/sha256/" + hex + "/link"), Oci.digest(manifest).getBytes(StandardCharsets.US_ASCII));
    }

    private static void write(Path file, byte[] bytes) throws Exception {
        Files.createDirectories(file.getParent());
        Files.write(file, bytes);
    }
}
