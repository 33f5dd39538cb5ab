package io.ironclad.sidecar.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** A store laid out as docker-registry leaves it, and a way to run a command on it and read its summary. */
final class LegacyStore {

    private static final ObjectMapper JSON = new ObjectMapper();

    final StorageDriver driver;
    private final Random random = new Random(42);

    LegacyStore(StorageDriver driver) {
        this.driver = driver;
    }

    static Digest sha256(byte[] bytes) {
        try {
            return Digest.of(Digest.Algorithm.SHA256, MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectKey dataKey(Digest digest) {
        return ObjectKey.of("docker/registry/v2/blobs/sha256/" + digest.hex().substring(0, 2) + "/" + digest.hex() + "/data");
    }

    byte[] bytes(int size) {
        byte[] bytes = new byte[size];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A legacy blob (no integrity metadata) with {@code metadata}; returns its key. */
    ObjectKey blob(byte[] content, Map<String, String> metadata) throws StorageException {
        ObjectKey key = dataKey(sha256(content));
        driver.put(key, Payload.ofBytes(content), PutOptions.of(metadata));
        return key;
    }

    /** A blob whose key names the digest of {@code claimed} but which holds other bytes. */
    ObjectKey corrupt(byte[] claimed) throws StorageException {
        ObjectKey key = dataKey(sha256(claimed));
        byte[] other = claimed.clone();
        other[0] ^= 1;
        driver.put(key, Payload.ofBytes(other), PutOptions.DEFAULT);
        return key;
    }

    /** A docker-registry repository link to {@code digest}. */
    void link(String repository, Digest digest) throws StorageException {
        driver.put(ObjectKey.of("docker/registry/v2/repositories/" + repository + "/_layers/sha256/" + digest.hex() + "/link"),
                Payload.ofBytes(digest.toString().getBytes(StandardCharsets.US_ASCII)), PutOptions.DEFAULT);
    }

    /** The outcome of one command run. */
    record Run(int exitCode, Map<String, Object> summary, String stderr) {
        long count(String name) {
            return ((Number) summary.get(name)).longValue();
        }

        @SuppressWarnings("unchecked")
        List<Map<String, Object>> problems() {
            return (List<Map<String, Object>>) summary.get("problems");
        }
    }

    Run run(String... args) throws Exception {
        return run(driver, args);
    }

    /** Runs the command on {@code used}, which the command may close without closing the store. */
    static Run run(StorageDriver used, String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Cli.run(args, new Fixed(used), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);
        String text = out.toString(StandardCharsets.UTF_8);
        Map<String, Object> summary = !text.startsWith("{") ? Map.of() : JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
        return new Run(code, summary, err.toString(StandardCharsets.UTF_8));
    }

    /** Backends that hand out one driver, shielded from the command's close. */
    record Fixed(StorageDriver driver) implements Backends {
        @Override
        public StorageDriver driver(Map<String, Object> overrides) {
            return new ForwardingStorageDriver(driver) {
                @Override
                public void close() {
                    // the test owns the store
                }
            };
        }

        @Override
        public List<Collected> repositoryBlobs(Map<String, Object> overrides, String repository) {
            return List.of();
        }

        @Override
        public GcResult collect(Map<String, Object> overrides, boolean dryRun) {
            throw new UnsupportedOperationException("gc is tested against the sidecar's context");
        }

        @Override
        public io.ironclad.sidecar.cli.importer.ImportTarget importTarget(Map<String, Object> overrides) {
            throw new UnsupportedOperationException("import is tested against the sidecar's context");
        }

        @Override
        public java.util.Optional<io.ironclad.sidecar.lifecycle.RepositoryDeletion.Deleted> deleteRepository(
                Map<String, Object> overrides, String repository, boolean dryRun) {
            throw new UnsupportedOperationException("repo delete is tested against the sidecar's context");
        }

        @Override
        public io.ironclad.sidecar.lifecycle.Retention.Report retention(Map<String, Object> overrides, boolean apply) {
            throw new UnsupportedOperationException("retention is tested against the sidecar's context");
        }
    }
}
