package io.ironclad.sidecar;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.testsupport.DockerRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The stores distribution keeps its tree in, as the import tests use them: how docker-registry
 * is pointed at one, how Ironclad (the commands and the sidecar) is, where a blob's data lives,
 * and a fingerprint of every file or object (content hash, size, etag and metadata) to prove that
 * nothing of distribution's was written.
 */
interface DistributionStores {

    /** One store of distribution's. */
    interface Store extends AutoCloseable {
        DockerRegistry.Storage peer();

        /** The command-line store flags of {@code ironclad import} and friends. */
        String[] flags();

        /** The sidecar's {@code ironclad.driver.*} settings for the same store. */
        Map<String, Object> settings();

        /** Where distribution's tree starts in the store ({@code files/} on Swift). */
        String treeRoot();

        /** Every file or object the store holds, by key: its content hash, size, etag and metadata. */
        Map<String, String> fingerprint() throws Exception;

        /** Replaces the bytes of {@code digest}'s data with as many other bytes. */
        void corrupt(Digest digest, int length) throws Exception;

        @Override
        void close() throws Exception;

        default ObjectKey dataKey(Digest digest) {
            return ObjectKey.of(treeRoot() + "docker/registry/v2/blobs/" + digest.algorithm().ociName() + "/" + digest.hex().substring(0, 2)
                    + "/" + digest.hex() + "/data");
        }
    }

    /** distribution's filesystem driver under {@code root}; Ironclad's filesystem driver is pointed at the same directory. */
    record Filesystem(Path root) implements Store {
        @Override
        public DockerRegistry.Storage peer() {
            return new DockerRegistry.FilesystemStorage(root);
        }

        @Override
        public String[] flags() {
            return new String[] {"--driver", "filesystem", "--set", "ironclad.driver.filesystem.root=" + root};
        }

        @Override
        public Map<String, Object> settings() {
            return Map.of("ironclad.driver.type", "filesystem", "ironclad.driver.filesystem.root", root.toString());
        }

        @Override
        public String treeRoot() {
            return "";
        }

        @Override
        public Map<String, String> fingerprint() throws IOException {
            Map<String, String> files = new TreeMap<>();
            Path tree = root.resolve("docker");
            try (Stream<Path> walk = Files.walk(tree)) {
                for (Path file : walk.filter(Files::isRegularFile).toList()) {
                    try (InputStream in = Files.newInputStream(file)) {
                        files.put(root.relativize(file).toString(), sha256(in) + " " + Files.size(file));
                    }
                }
            }
            return files;
        }

        @Override
        public void corrupt(Digest digest, int length) throws IOException {
            Files.write(root.resolve(dataKey(digest).value()), new byte[length]);
        }

        @Override
        public void close() {
            // under the test's temporary directory
        }
    }

    /** A Swift container or S3 bucket, read and cleaned through Ironclad's own driver. */
    record ObjectStore(StorageDriver raw, DockerRegistry.Storage peer, String[] flags, Map<String, Object> settings, String treeRoot)
            implements Store {

        @Override
        public Map<String, String> fingerprint() throws StorageException, IOException {
            Map<String, String> objects = new TreeMap<>();
            for (ObjectKey key : keys()) {
                try (ObjectContent content = raw.open(key, ReadOptions.FRESH)) {
                    ObjectInfo info = content.info();
                    objects.put(key.value(), sha256(content.body()) + " " + info.size() + " " + info.etag() + " " + new TreeMap<>(info.userMetadata()));
                }
            }
            return objects;
        }

        @Override
        public void corrupt(Digest digest, int length) throws StorageException {
            raw.put(dataKey(digest), Payload.ofBytes(new byte[length]), PutOptions.DEFAULT);
        }

        /** Deletes every object of the container or bucket (distribution's segments live beside its blobs). */
        @Override
        public void close() throws StorageException {
            try (raw) {
                for (ObjectKey key : keys()) {
                    raw.delete(key);
                }
            }
        }

        private java.util.List<ObjectKey> keys() throws StorageException {
            java.util.List<ObjectKey> keys = new java.util.ArrayList<>();
            ListRequest request = ListRequest.prefix("");
            while (true) {
                ListPage page = raw.list(request);
                page.entries().forEach(entry -> keys.add(entry.key()));
                Optional<String> next = page.nextStartAfter();
                if (next.isEmpty()) {
                    return keys;
                }
                request = request.withStartAfter(next.get());
            }
        }
    }

    static String sha256(InputStream in) throws IOException {
        try {
            DigestInputStream digesting = new DigestInputStream(in, MessageDigest.getInstance("SHA-256"));
            digesting.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(digesting.getMessageDigest().digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
