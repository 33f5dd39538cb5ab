package io.ironclad.sidecar.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.consistency.IntegrityMetadata;
import io.ironclad.driver.ForwardingStorageDriver;
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
import io.ironclad.driver.TransientStorageException;
import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** verify and backfill on the in-memory and filesystem drivers, with a store laid out as docker-registry leaves it. */
class VerifyBackfillTest {

    @TempDir
    static Path temp;

    static Stream<Arguments> drivers() throws Exception {
        return Stream.of(Arguments.of("memory", InMemoryDrivers.create()),
                Arguments.of("filesystem", FilesystemDrivers.create(FilesystemDriverConfig.defaults(Files.createTempDirectory(temp, "fs")))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("drivers")
    void verifyFindsTheCorruptBlobAndBackfillStampsOnlyVerifiedOnes(String name, StorageDriver driver) throws Exception {
        LegacyStore store = new LegacyStore(driver);
        byte[] a = store.bytes(1000);
        byte[] b = store.bytes(300_000);
        ObjectKey keyA = store.blob(a, Map.of("custom", "kept"));
        ObjectKey keyB = store.blob(b, Map.of());
        ObjectKey bad = store.corrupt(store.bytes(5000));
        byte[] wrong = store.bytes(10);
        ObjectKey mismatched = LegacyStore.dataKey(LegacyStore.sha256(wrong));
        driver.put(mismatched, Payload.ofBytes(wrong), PutOptions.of(
                new IntegrityMetadata(LegacyStore.sha256(a), 10, Instant.now()).toUserMetadata()));
        driver.put(ObjectKey.of("docker/registry/v2/repositories/app/_layers/sha256/" + "ab".repeat(32) + "/link"),
                Payload.ofBytes("x".getBytes()), PutOptions.DEFAULT);

        LegacyStore.Run verify = store.run("verify");
        assertThat(verify.exitCode()).as(verify.stderr()).isEqualTo(1);
        assertThat(verify.count("objects")).isEqualTo(4);
        assertThat(verify.count("bytes")).isEqualTo(1000 + 300_000 + 5000 + 10);
        assertThat(verify.count("ok")).isEqualTo(2);
        assertThat(verify.count("missingMetadata")).isEqualTo(2);
        assertThat(verify.count("corrupt")).isEqualTo(1);
        assertThat(verify.count("metadataMismatch")).isEqualTo(1);
        assertThat(verify.count("skippedKeys")).isEqualTo(1);
        assertThat(verify.problems()).extracting(p -> p.get("key")).containsExactlyInAnyOrder(bad.value(), mismatched.value());

        LegacyStore.Run dry = store.run("backfill", "--dry-run");
        assertThat(dry.count("wouldBackfill")).isEqualTo(2);
        assertThat(driver.stat(keyA, ReadOptions.PLAIN).metadata(IntegrityMetadata.DIGEST)).isEmpty();

        LegacyStore.Run backfill = store.run("backfill");
        assertThat(backfill.exitCode()).isEqualTo(1);
        assertThat(backfill.count("backfilled")).isEqualTo(2);
        assertThat(backfill.count("corrupt")).isEqualTo(1);
        assertThat(backfill.count("metadataMismatch")).isEqualTo(1);
        ObjectInfo stamped = driver.stat(keyA, ReadOptions.PLAIN);
        assertThat(stamped.userMetadata()).containsEntry("custom", "kept")
                .containsEntry(IntegrityMetadata.DIGEST, LegacyStore.sha256(a).toString()).containsEntry(IntegrityMetadata.SIZE, "1000");
        assertThat(driver.stat(keyB, ReadOptions.PLAIN).metadata(IntegrityMetadata.SIZE)).hasValue("300000");
        assertThat(driver.stat(bad, ReadOptions.PLAIN).userMetadata()).as("the corrupt blob is never stamped").isEmpty();

        LegacyStore.Run again = store.run("verify");
        assertThat(again.count("ok")).isEqualTo(2);
        assertThat(again.count("missingMetadata")).isZero();
        assertThat(again.count("corrupt")).isEqualTo(1);
        assertThat(store.run("backfill").count("alreadyPresent")).isEqualTo(2);
    }

    @Test
    void allGoodExitsZeroAndRepositoryScopeReadsOnlyLinkedBlobs() throws Exception {
        LegacyStore store = new LegacyStore(InMemoryDrivers.create());
        byte[] linked = store.bytes(100);
        store.blob(linked, Map.of());
        store.blob(store.bytes(200), Map.of());
        store.link("team/app", LegacyStore.sha256(linked));

        LegacyStore.Run all = store.run("verify");
        assertThat(all.exitCode()).isZero();
        assertThat(all.count("objects")).isEqualTo(2);
        LegacyStore.Run repository = store.run("verify", "--repository", "team/app");
        assertThat(repository.exitCode()).isZero();
        assertThat(repository.count("objects")).isEqualTo(1);
        assertThat(repository.count("bytes")).isEqualTo(100);

        LegacyStore.Run unknown = store.run("verify", "--repository", "nope");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.stderr()).contains("repository 'nope' not found");
    }

    @Test
    void resumesAfterTheLastCompletedPageWithoutReadingItAgain() throws Exception {
        StorageDriver memory = InMemoryDrivers.create();
        LegacyStore store = new LegacyStore(memory);
        for (int i = 0; i < 7; i++) {
            store.blob(store.bytes(50 + i), Map.of());
        }
        store.corrupt(store.bytes(40));
        AtomicInteger opens = new AtomicInteger();
        AtomicInteger listsLeft = new AtomicInteger(2);
        StorageDriver flaky = new ForwardingStorageDriver(memory) {
            @Override
            public ListPage list(ListRequest request) throws StorageException {
                if (listsLeft.getAndDecrement() <= 0) {
                    throw new TransientStorageException(name(), null, "connection refused");
                }
                return super.list(request);
            }

            @Override
            public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
                opens.incrementAndGet();
                return super.open(key, options);
            }
        };
        Path checkpoint = temp.resolve("verify.checkpoint");
        LegacyStore.Run first = LegacyStore.run(flaky, "verify", "--page-size", "3", "--checkpoint", checkpoint.toString());
        assertThat(first.exitCode()).isEqualTo(3);
        assertThat(first.stderr()).contains("connection refused").contains("--checkpoint " + checkpoint);
        assertThat(opens.get()).isEqualTo(6);

        listsLeft.set(100);
        LegacyStore.Run second = LegacyStore.run(flaky, "verify", "--page-size", "3", "--checkpoint", checkpoint.toString());
        assertThat(second.exitCode()).isEqualTo(1);
        assertThat(second.count("objects")).isEqualTo(8);
        assertThat(second.count("resumedObjects")).isEqualTo(6);
        assertThat(second.count("corrupt")).isEqualTo(1);
        assertThat(opens.get()).as("blobs read over both runs").isEqualTo(8);

        LegacyStore.Run other = LegacyStore.run(flaky, "backfill", "--checkpoint", checkpoint.toString());
        assertThat(other.exitCode()).isEqualTo(2);
        assertThat(other.stderr()).contains("belongs to 'verify'");
    }

    @Test
    void quarantineMovesACorruptBlobOnlyAfterItsCopyVerified() throws Exception {
        StorageDriver memory = InMemoryDrivers.create();
        LegacyStore store = new LegacyStore(memory);
        ObjectKey bad = store.corrupt(store.bytes(2000));
        byte[] held = memory.open(bad, ReadOptions.PLAIN).body().readAllBytes();

        StorageDriver badCopies = new ForwardingStorageDriver(memory) {
            @Override
            public ObjectInfo copy(ObjectKey source, ObjectKey target, PutOptions options) throws StorageException {
                return super.put(target, Payload.ofBytes(new byte[] {1, 2, 3}), options);
            }
        };
        LegacyStore.Run kept = LegacyStore.run(badCopies, "verify", "--quarantine");
        assertThat(kept.exitCode()).isEqualTo(1);
        assertThat(kept.count("quarantined")).isZero();
        assertThat(kept.problems().get(0).get("detail").toString()).contains("original kept");
        assertThat(memory.open(bad, ReadOptions.PLAIN).body().readAllBytes()).as("original untouched").isEqualTo(held);

        LegacyStore.Run moved = store.run("verify", "--quarantine");
        assertThat(moved.exitCode()).isEqualTo(1);
        assertThat(moved.count("quarantined")).isEqualTo(1);
        assertThat(memory.find(bad, ReadOptions.PLAIN)).isEmpty();
        ObjectKey quarantined = ObjectKey.of("quarantine/" + bad.value());
        assertThat(memory.open(quarantined, ReadOptions.PLAIN).body().readAllBytes()).isEqualTo(held);
        assertThat(memory.stat(quarantined, ReadOptions.PLAIN).userMetadata()).containsKey(Quarantine.REASON);
        assertThat(store.run("verify").count("objects")).as("quarantine/ is not walked").isZero();
    }

    @Test
    void backfillDoesNotStampAVersionWrittenAfterItWasVerified() throws Exception {
        StorageDriver memory = InMemoryDrivers.create();
        LegacyStore store = new LegacyStore(memory);
        byte[] content = store.bytes(500);
        ObjectKey key = store.blob(content, Map.of());
        byte[] other = store.bytes(500);
        StorageDriver racing = new ForwardingStorageDriver(memory) {
            @Override
            public ObjectInfo updateMetadata(ObjectKey target, String etag, PutOptions metadata) throws StorageException {
                super.put(target, Payload.ofBytes(other), PutOptions.DEFAULT);
                return super.updateMetadata(target, etag, metadata);
            }
        };
        LegacyStore.Run run = LegacyStore.run(racing, "backfill");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.count("errors")).isEqualTo(1);
        assertThat(run.problems().get(0).get("detail").toString()).contains("overwritten after it was verified");
        assertThat(memory.stat(key, ReadOptions.PLAIN).userMetadata()).isEmpty();
    }

    @Test
    void drawsAProgressLineOnlyOnATerminal() throws Exception {
        LegacyStore store = new LegacyStore(InMemoryDrivers.create());
        store.blob(store.bytes(1_000_000), Map.of());
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = Cli.run(new String[] {"verify"}, new LegacyStore.Fixed(store.driver), new java.io.PrintStream(out, true),
                new java.io.PrintStream(err, true), true);
        assertThat(code).isZero();
        assertThat(err.toString()).startsWith("\rverify: 1 objects, 1.0 MB, 0 bad").endsWith(System.lineSeparator());
        assertThat(out.toString()).startsWith("{").contains("\"objects\" : 1");
        assertThat(store.run("verify").stderr()).as("no terminal, no progress line").isEmpty();
    }

    @Test
    void badArgumentsAreUsageErrors() throws Exception {
        LegacyStore store = new LegacyStore(InMemoryDrivers.create());
        assertThat(store.run("scrub").exitCode()).isEqualTo(2);
        assertThat(store.run("scrub").stderr()).contains("unknown command 'scrub'").contains("see 'ironclad --help'");
        assertThat(store.run("verify", "--bogus").stderr()).contains("Unknown option: '--bogus'");
        assertThat(store.run("verify", "--parallel", "0").stderr()).contains("--parallel must be a whole number");
        assertThat(store.run("verify", "--prefix", "a", "--repository", "b").exitCode()).isEqualTo(2);
        assertThat(store.run("verify", "--checkpoint").stderr()).contains("Missing required parameter for option '--checkpoint'");
        assertThat(store.run("backfill", "--quarantine").exitCode()).isEqualTo(2);
        assertThat(store.run("verify", "extra").stderr()).contains("Unmatched argument at index 1: 'extra'");
        assertThat(store.run("verify", "--help").exitCode()).isZero();
    }
}
