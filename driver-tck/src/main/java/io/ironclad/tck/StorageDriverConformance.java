package io.ironclad.tck;

import io.ironclad.testsupport.SeededPayloads;
import io.ironclad.testsupport.Await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Capability;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.RangeNotSatisfiableException;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.UnsupportedCapabilityException;
import io.ironclad.driver.WriterState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The conformance suite every {@link StorageDriver} passes. A driver module extends this class in
 * its tests and implements {@link #driver()}; it may return one driver per class or a new one per
 * test.
 *
 * <p>Hooks:
 * <ul>
 *   <li>{@link #keyPrefix()}: the prefix under which one test writes; by default unique per test,
 *       so the suite can run against a shared real bucket or container.</li>
 *   <li>{@link #visibilityTimeout()}: how long the suite waits (on a condition, with a deadline,
 *       counting waits) for listings of drivers without {@link Capability#LIST_AFTER_WRITE} and
 *       reads of drivers without {@link Capability#READ_AFTER_WRITE}.</li>
 *   <li>{@link #largeObjectSize()}: the size of the large streamed round trip (64 MiB).</li>
 * </ul>
 * Capabilities are read from {@code driver().capabilities()}: optional operations must throw
 * {@link UnsupportedCapabilityException}, which the suite asserts when the flag is absent;
 * multi-part tests respect {@code minPartSize()}.
 *
 * <p>A driver that deviates from a contract point overrides that test method and asserts the
 * deviation there (with a comment saying why); it never skips or disables it. After every test the
 * suite checks that nothing is left under the test's prefix.
 */
public abstract class StorageDriverConformance {

    private static final int MIB = 1024 * 1024;

    private String prefix;

    /** The driver under test. */
    protected abstract StorageDriver driver();

    /** Prefix for every key one test writes; must end with '/' and be unique per test on shared stores. */
    protected String keyPrefix() {
        return "tck/" + UUID.randomUUID() + "/";
    }

    /** Upper bound for waiting on visibility where the driver does not guarantee it at once. */
    protected Duration visibilityTimeout() {
        return Duration.ofSeconds(30);
    }

    /** Size of the large streamed round trip. */
    protected long largeObjectSize() {
        return 64L * MIB;
    }

    @BeforeEach
    final void choosePrefix() {
        prefix = keyPrefix();
    }

    @AfterEach
    final void leavesNothingBehind() throws StorageException {
        List<ObjectKey> leftovers = awaitListing(List.of());
        for (ObjectKey key : leftovers) {
            driver().delete(key);
        }
        assertThat(leftovers).as("objects the test left under %s", prefix).isEmpty();
    }

    /** A key under this test's prefix. */
    protected final ObjectKey key(String name) {
        return ObjectKey.of(prefix + name);
    }

    /** This test's prefix. */
    protected final String prefix() {
        return prefix;
    }

    // --- round trips ---

    @Test
    public void emptyObjectRoundTrip() throws Exception {
        roundTrip(0);
    }

    @Test
    public void oneByteRoundTrip() throws Exception {
        roundTrip(1);
    }

    @Test
    public void oneMebibyteRoundTrip() throws Exception {
        roundTrip(MIB);
    }

    @Test
    public void largeObjectRoundTripStreamed() throws Exception {
        roundTrip(largeObjectSize());
    }

    private void roundTrip(long size) throws Exception {
        ObjectKey key = key("object-" + size);
        Payload payload = SeededPayloads.of(size, size);
        ObjectInfo written = driver().put(key, payload, PutOptions.DEFAULT);
        assertThat(written.key()).isEqualTo(key);
        assertThat(written.size()).isEqualTo(size);
        try (ObjectContent content = awaitOpen(key, ReadOptions.PLAIN)) {
            assertThat(content.info().size()).isEqualTo(size);
            assertThat(content.length()).isEqualTo(size);
            assertThat(SeededPayloads.sha256(content.body())).isEqualTo(SeededPayloads.sha256(payload));
        }
        assertThat(driver().stat(key, ReadOptions.FRESH).size()).isEqualTo(size);
        driver().delete(key);
    }

    // --- ranged reads ---

    @Test
    public void rangedReads() throws Exception {
        byte[] data = "0123456789".getBytes(StandardCharsets.US_ASCII);
        ObjectKey key = key("ranged");
        driver().put(key, Payload.ofBytes(data), PutOptions.DEFAULT);
        awaitStat(key);
        try {
            assertThat(readRange(key, new ByteRange(0, 0))).isEqualTo("0");
            assertThat(readRange(key, new ByteRange(9, 9))).isEqualTo("9");
            assertThat(readRange(key, new ByteRange(2, 5))).isEqualTo("2345");
            assertThat(readRange(key, ByteRange.from(7))).isEqualTo("789");
            assertThat(readRange(key, new ByteRange(8, 1000))).isEqualTo("89");
            try (ObjectContent content = driver().open(key, ReadOptions.PLAIN.withRange(new ByteRange(8, 1000)))) {
                assertThat(content.range()).contains(new ByteRange(8, 9));
                assertThat(content.length()).isEqualTo(2);
                assertThat(content.info().size()).isEqualTo(10);
            }
            assertThatThrownBy(() -> driver().open(key, ReadOptions.PLAIN.withRange(ByteRange.from(10))))
                    .isInstanceOf(RangeNotSatisfiableException.class);
        } finally {
            driver().delete(key);
        }
    }

    @Test
    public void rangeOnEmptyObjectIsNotSatisfiable() throws Exception {
        ObjectKey key = key("empty-ranged");
        driver().put(key, Payload.ofBytes(new byte[0]), PutOptions.DEFAULT);
        awaitStat(key);
        try {
            assertThatThrownBy(() -> driver().open(key, ReadOptions.PLAIN.withRange(new ByteRange(0, 0))))
                    .isInstanceOf(RangeNotSatisfiableException.class);
        } finally {
            driver().delete(key);
        }
    }

    private String readRange(ObjectKey key, ByteRange range) throws Exception {
        try (ObjectContent content = driver().open(key, ReadOptions.PLAIN.withRange(range))) {
            return new String(content.body().readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    // --- metadata, conditions, freshness ---

    @Test
    public void metadataRoundTrip() throws Exception {
        ObjectKey key = key("with-metadata");
        Map<String, String> metadata = Map.of("ironclad-digest", "sha256:" + "ab".repeat(32),
                "ironclad-size", "3", "ironclad-written", "1700000000000", "x", "printable ~ ASCII value");
        ObjectInfo written = driver().put(key, Payload.ofBytes(new byte[] {1, 2, 3}), PutOptions.of(metadata));
        assertThat(written.userMetadata()).isEqualTo(metadata);
        assertThat(awaitStat(key).userMetadata()).isEqualTo(metadata);
        try (ObjectContent content = driver().open(key, ReadOptions.FRESH)) {
            assertThat(content.info().userMetadata()).isEqualTo(metadata);
            assertThat(content.info().etag()).isEqualTo(written.etag());
        }
        driver().delete(key);
    }

    @Test
    public void freshReadReturnsLatestVersion() throws Exception {
        ObjectKey key = key("overwritten");
        ObjectInfo first = driver().put(key, Payload.ofBytes(bytes("first")), PutOptions.of(Map.of("v", "1")));
        ObjectInfo second = driver().put(key, Payload.ofBytes(bytes("second")), PutOptions.of(Map.of("v", "2")));
        assertThat(second.etag()).isNotEqualTo(first.etag());
        int waits = Await.until("fresh read of " + key + " returns the second version", visibilityTimeout(),
                () -> readQuietly(key, ReadOptions.FRESH).equals("second"));
        if (driver().capabilities().has(Capability.FRESHNESS_READ)) {
            assertThat(waits).as("waits for a fresh read on a driver with FRESHNESS_READ").isZero();
        }
        assertThat(driver().stat(key, ReadOptions.FRESH).metadata("v")).contains("2");
        driver().delete(key);
    }

    @Test
    public void ifMatchWithWrongEtagFails() throws Exception {
        ObjectKey key = key("if-match");
        ObjectInfo written = driver().put(key, Payload.ofBytes(bytes("x")), PutOptions.DEFAULT);
        awaitStat(key);
        try {
            assertThatThrownBy(() -> driver().open(key, ReadOptions.FRESH.withIfMatch(written.etag() + "-wrong")))
                    .isInstanceOf(PreconditionFailedException.class);
            try (ObjectContent content = driver().open(key, ReadOptions.FRESH.withIfMatch(written.etag()))) {
                assertThat(content.body().readAllBytes()).isEqualTo(bytes("x"));
            }
        } finally {
            driver().delete(key);
        }
    }

    @Test
    public void conditionalCreateRaceHasExactlyOneWinner() throws Exception {
        ObjectKey key = key("raced");
        PutOptions createOnly = new PutOptions(Map.of(), true);
        if (!driver().capabilities().has(Capability.CONDITIONAL_CREATE)) {
            assertThatThrownBy(() -> driver().put(key, Payload.ofBytes(bytes("a")), createOnly))
                    .isInstanceOf(UnsupportedCapabilityException.class);
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<ObjectInfo>> racers = new ArrayList<>();
            for (String content : List.of("a", "b")) {
                racers.add(pool.submit(() -> {
                    start.await();
                    return driver().put(key, Payload.ofBytes(bytes(content)), createOnly.withMetadata(Map.of("who", content)));
                }));
            }
            start.countDown();
            List<String> winners = new ArrayList<>();
            int losers = 0;
            for (Future<ObjectInfo> racer : racers) {
                try {
                    winners.add(racer.get(60, TimeUnit.SECONDS).userMetadata().get("who"));
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(ObjectAlreadyExistsException.class);
                    losers++;
                }
            }
            assertThat(winners).hasSize(1);
            assertThat(losers).isEqualTo(1);
            assertThat(readQuietly(key, ReadOptions.FRESH)).isEqualTo(winners.get(0));
            assertThatThrownBy(() -> driver().put(key, Payload.ofBytes(bytes("c")), createOnly))
                    .isInstanceOf(ObjectAlreadyExistsException.class);
        } finally {
            pool.shutdownNow();
            driver().delete(key);
        }
    }

    // --- not found, delete ---

    @Test
    public void missingObjectIsTypedNotFound() {
        ObjectKey key = key("never-written");
        assertThatThrownBy(() -> driver().stat(key, ReadOptions.PLAIN)).isInstanceOf(ObjectNotFoundException.class)
                .hasMessageContaining(driver().name()).hasMessageContaining(key.value());
        assertThatThrownBy(() -> driver().stat(key, ReadOptions.FRESH)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> driver().open(key, ReadOptions.PLAIN)).isInstanceOf(ObjectNotFoundException.class);
        assertThatThrownBy(() -> driver().open(key, ReadOptions.FRESH.withRange(new ByteRange(0, 1))))
                .isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    public void deleteIsIdempotentAndRemoves() throws Exception {
        ObjectKey key = key("deleted");
        driver().delete(key);
        driver().put(key, Payload.ofBytes(bytes("x")), PutOptions.DEFAULT);
        awaitStat(key);
        driver().delete(key);
        driver().delete(key);
        Await.until(key + " reads as not found after delete", visibilityTimeout(), () -> isMissing(key));
        assertThatThrownBy(() -> driver().stat(key, ReadOptions.FRESH)).isInstanceOf(ObjectNotFoundException.class);
    }

    // --- listing ---

    @Test
    public void listingIsOrderedAndPaginatesOverMoreThanAThousandKeys() throws Exception {
        int count = 1_050;
        List<ObjectKey> inside = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inside.add(key("many/" + Integer.toString(i, 36)));
        }
        // keys that sort around the listed prefix but are not in it
        List<ObjectKey> outside = List.of(key("man"), key("many"), key("manz/x"), key("many-x"));
        List<ObjectKey> all = new ArrayList<>(inside);
        all.addAll(outside);
        putAll(all);
        try {
            List<ObjectKey> expected = inside.stream().sorted().toList();
            awaitListing(prefix + "many/", expected);
            List<ObjectKey> paged = new ArrayList<>();
            ListRequest request = new ListRequest(prefix + "many/", Optional.empty(), 100);
            int pages = 0;
            while (true) {
                ListPage page = driver().list(request);
                pages++;
                assertThat(page.entries()).hasSizeLessThanOrEqualTo(100);
                page.entries().forEach(entry -> paged.add(entry.key()));
                if (page.nextStartAfter().isEmpty()) {
                    break;
                }
                request = request.withStartAfter(page.nextStartAfter().get());
            }
            assertThat(paged).as("keys listed in pages of 100").containsExactlyElementsOf(expected);
            assertThat(pages).isBetween(11, 12);
            ListPage firstThousand = driver().list(ListRequest.prefix(prefix + "many/"));
            assertThat(firstThousand.entries()).hasSize(ListRequest.DEFAULT_LIMIT);
            assertThat(firstThousand.nextStartAfter()).contains(expected.get(999).value());
            ListPage whole = driver().list(ListRequest.prefix(prefix).withLimit(10_000));
            assertThat(whole.entries()).extracting(ListPage.Entry::key).containsExactlyElementsOf(all.stream().sorted().toList());
        } finally {
            deleteAll(all);
        }
    }

    @Test
    void listingUsesUtf8ByteOrderAndReportsSizes() throws Exception {
        // UTF-16 order puts U+FFFD after U+1F600 (a surrogate pair); UTF-8 byte order puts it before
        List<ObjectKey> keys = List.of(key("a"), key("a-b"), key("a/b"), key("\uFFFD"), key("\uD83D\uDE00"), key("Z"));
        for (ObjectKey key : keys) {
            driver().put(key, Payload.ofBytes(bytes(key.value())), PutOptions.DEFAULT);
        }
        try {
            List<ObjectKey> expected = List.of(key("Z"), key("a"), key("a-b"), key("a/b"), key("\uFFFD"), key("\uD83D\uDE00"));
            awaitListing(prefix, expected);
            ListPage page = driver().list(ListRequest.prefix(prefix));
            for (ListPage.Entry entry : page.entries()) {
                assertThat(entry.size()).isEqualTo(bytes(entry.key().value()).length);
            }
            ListPage afterA = driver().list(ListRequest.prefix(prefix).withStartAfter(key("a").value()).withLimit(2));
            assertThat(afterA.entries()).extracting(ListPage.Entry::key).containsExactly(key("a-b"), key("a/b"));
        } finally {
            deleteAll(keys);
        }
    }

    @Test
    public void keyValidationHappensBeforeTheDriver() {
        for (String bad : List.of("", "a//b", "/a", "a/", "a/../b", "./a", "a\u0000b", "a\nb", "x".repeat(1025), "a\uD800")) {
            assertThatThrownBy(() -> ObjectKey.of(bad)).as("key %s", bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(ObjectKey.of("blobs/sha256/ab/abcdef").value()).isEqualTo("blobs/sha256/ab/abcdef");
    }

    // --- writer ---

    @Test
    public void writerCommitsConcatenatedParts() throws Exception {
        long partSize = partSize();
        ObjectWriter writer = driver().newWriter();
        List<Payload> parts = List.of(SeededPayloads.of(1, partSize), SeededPayloads.of(2, partSize), SeededPayloads.of(3, 7));
        for (int i = 0; i < parts.size(); i++) {
            assertThat(writer.writePart(i + 1, parts.get(i)).size()).isEqualTo(parts.get(i).size());
        }
        assertThat(writer.state().size()).isEqualTo(2 * partSize + 7);
        ObjectKey key = key("assembled");
        ObjectInfo info = writer.commit(key, PutOptions.of(Map.of("kind", "parts")));
        assertThat(info.size()).isEqualTo(2 * partSize + 7);
        try (ObjectContent content = awaitOpen(key, ReadOptions.FRESH)) {
            assertThat(content.info().userMetadata()).containsEntry("kind", "parts");
            assertThat(SeededPayloads.sha256(content.body())).isEqualTo(sha256OfConcatenation(parts));
        }
        driver().delete(key);
    }

    @Test
    public void writerWithZeroPartsCommitsEmptyObject() throws Exception {
        ObjectKey key = key("empty-upload");
        driver().newWriter().commit(key, PutOptions.DEFAULT);
        assertThat(awaitStat(key).size()).isZero();
        driver().delete(key);
    }

    @Test
    public void cancelledWriterLeavesNothing() throws Exception {
        ObjectWriter writer = driver().newWriter();
        writer.writePart(1, SeededPayloads.of(5, partSize()));
        WriterState state = writer.state();
        writer.cancel();
        writer.cancel();
        assertThat(driver().list(ListRequest.prefix(prefix)).entries()).isEmpty();
        assertThatThrownBy(() -> driver().resumeWriter(state)).isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    public void resumedWriterContinues() throws Exception {
        long partSize = partSize();
        ObjectWriter first = driver().newWriter();
        first.writePart(1, SeededPayloads.of(11, partSize));
        WriterState state = first.state();
        ObjectWriter resumed = driver().resumeWriter(state);
        assertThat(resumed.state()).isEqualTo(state);
        resumed.writePart(2, SeededPayloads.of(12, 3));
        ObjectKey key = key("resumed");
        resumed.commit(key, PutOptions.DEFAULT);
        try (ObjectContent content = awaitOpen(key, ReadOptions.FRESH)) {
            assertThat(SeededPayloads.sha256(content.body()))
                    .isEqualTo(sha256OfConcatenation(List.of(SeededPayloads.of(11, partSize), SeededPayloads.of(12, 3))));
        }
        driver().delete(key);
        assertThatThrownBy(() -> driver().resumeWriter(state)).as("a committed upload is gone")
                .isInstanceOf(ObjectNotFoundException.class);
    }

    @Test
    public void partNumbersOutOfOrderAreRefused() throws Exception {
        ObjectWriter writer = driver().newWriter();
        try {
            assertThatThrownBy(() -> writer.writePart(0, SeededPayloads.of(1, 1))).isInstanceOf(PreconditionFailedException.class);
            assertThatThrownBy(() -> writer.writePart(2, SeededPayloads.of(1, 1))).isInstanceOf(PreconditionFailedException.class);
            writer.writePart(1, SeededPayloads.of(1, partSize()));
            assertThatThrownBy(() -> writer.writePart(3, SeededPayloads.of(1, 1))).isInstanceOf(PreconditionFailedException.class);
        } finally {
            writer.cancel();
        }
    }

    @Test
    public void retriedLastPartReplacesIt() throws Exception {
        long partSize = partSize();
        ObjectWriter writer = driver().newWriter();
        writer.writePart(1, SeededPayloads.of(21, partSize));
        writer.writePart(2, SeededPayloads.of(22, 5));
        writer.writePart(2, SeededPayloads.of(23, 9));
        assertThat(writer.state().parts()).hasSize(2);
        ObjectKey key = key("retried");
        writer.commit(key, PutOptions.DEFAULT);
        try (ObjectContent content = awaitOpen(key, ReadOptions.FRESH)) {
            assertThat(content.info().size()).isEqualTo(partSize + 9);
            assertThat(SeededPayloads.sha256(content.body()))
                    .isEqualTo(sha256OfConcatenation(List.of(SeededPayloads.of(21, partSize), SeededPayloads.of(23, 9))));
        }
        driver().delete(key);
    }

    @Test
    public void createOnlyCommitOnExistingKeyFailsAndKeepsUpload() throws Exception {
        ObjectKey key = key("existing");
        driver().put(key, Payload.ofBytes(bytes("old")), PutOptions.DEFAULT);
        ObjectWriter writer = driver().newWriter();
        writer.writePart(1, Payload.ofBytes(bytes("new")));
        PutOptions createOnly = new PutOptions(Map.of(), true);
        if (!driver().capabilities().has(Capability.CONDITIONAL_CREATE)) {
            assertThatThrownBy(() -> writer.commit(key, createOnly)).isInstanceOf(UnsupportedCapabilityException.class);
        } else {
            awaitStat(key);
            assertThatThrownBy(() -> writer.commit(key, createOnly)).isInstanceOf(ObjectAlreadyExistsException.class);
            assertThat(readQuietly(key, ReadOptions.FRESH)).isEqualTo("old");
        }
        ObjectKey other = key("other");
        writer.commit(other, PutOptions.DEFAULT);
        assertThat(readQuietly(other, ReadOptions.FRESH)).isEqualTo("new");
        deleteAll(List.of(key, other));
    }

    // --- copy ---

    @Test
    public void copyReplacesMetadata() throws Exception {
        ObjectKey source = key("copy-source");
        ObjectKey target = key("copy-target");
        driver().put(source, Payload.ofBytes(bytes("copied")), PutOptions.of(Map.of("a", "1")));
        awaitStat(source);
        try {
            if (!driver().capabilities().has(Capability.SERVER_SIDE_COPY)) {
                assertThatThrownBy(() -> driver().copy(source, target, PutOptions.DEFAULT))
                        .isInstanceOf(UnsupportedCapabilityException.class);
                return;
            }
            ObjectInfo copied = driver().copy(source, target, PutOptions.of(Map.of("b", "2")));
            assertThat(copied.size()).isEqualTo(6);
            assertThat(awaitStat(target).userMetadata()).isEqualTo(Map.of("b", "2"));
            assertThat(readQuietly(target, ReadOptions.FRESH)).isEqualTo("copied");
            assertThatThrownBy(() -> driver().copy(key("copy-missing"), target, PutOptions.DEFAULT))
                    .isInstanceOf(ObjectNotFoundException.class);
        } finally {
            deleteAll(List.of(source, target));
        }
    }

    // --- metadata update ---

    @Test
    public void updateMetadataReplacesMetadataAndKeepsContent() throws Exception {
        ObjectKey key = key("stamped");
        ObjectInfo put = driver().put(key, Payload.ofBytes(bytes("legacy bytes")), PutOptions.of(Map.of("a", "1")));
        try {
            ObjectInfo before = awaitStat(key);
            if (!driver().capabilities().has(Capability.METADATA_UPDATE)) {
                assertThatThrownBy(() -> driver().updateMetadata(key, before.etag(), PutOptions.DEFAULT))
                        .isInstanceOf(UnsupportedCapabilityException.class);
                return;
            }
            ObjectInfo updated = driver().updateMetadata(key, before.etag(), PutOptions.of(Map.of("a", "1", "b", "2")));
            assertThat(updated.userMetadata()).isEqualTo(Map.of("a", "1", "b", "2"));
            assertThat(updated.size()).isEqualTo(put.size());
            Await.until(key + " shows the new metadata", visibilityTimeout(),
                    () -> freshStat(key).userMetadata().equals(Map.of("a", "1", "b", "2")));
            assertThat(readQuietly(key, ReadOptions.FRESH)).isEqualTo("legacy bytes");
        } finally {
            deleteAll(List.of(key));
        }
    }

    @Test
    public void updateMetadataRefusesAnotherVersion() throws Exception {
        ObjectKey key = key("raced");
        driver().put(key, Payload.ofBytes(bytes("first")), PutOptions.of(Map.of("a", "1")));
        try {
            String first = awaitStat(key).etag();
            driver().put(key, Payload.ofBytes(bytes("second, longer")), PutOptions.of(Map.of("a", "2")));
            Await.until(key + " shows the second version", visibilityTimeout(),
                    () -> !freshStat(key).etag().equals(first));
            if (!driver().capabilities().has(Capability.METADATA_UPDATE)) {
                assertThatThrownBy(() -> driver().updateMetadata(key, first, PutOptions.DEFAULT))
                        .isInstanceOf(UnsupportedCapabilityException.class);
                return;
            }
            assertThatThrownBy(() -> driver().updateMetadata(key, first, PutOptions.of(Map.of("stamp", "x"))))
                    .isInstanceOf(PreconditionFailedException.class);
            assertThat(driver().stat(key, ReadOptions.FRESH).userMetadata()).isEqualTo(Map.of("a", "2"));
            assertThatThrownBy(() -> driver().updateMetadata(key("update-missing"), first, PutOptions.DEFAULT))
                    .isInstanceOf(ObjectNotFoundException.class);
        } finally {
            deleteAll(List.of(key));
        }
    }

    // --- helpers for subclasses ---

    /** The smallest allowed non-final part, at least 1 KiB so parts are not trivial. */
    protected final long partSize() {
        return Math.max(1024, driver().capabilities().minPartSize());
    }

    /** Waits until {@code key} can be stat'ed (at once on READ_AFTER_WRITE drivers). */
    protected final ObjectInfo awaitStat(ObjectKey key) throws StorageException {
        Await.until(key + " becomes visible", visibilityTimeout(), () -> !isMissing(key));
        return driver().stat(key, ReadOptions.FRESH);
    }

    /** Opens {@code key} once it is visible. */
    protected final ObjectContent awaitOpen(ObjectKey key, ReadOptions options) throws StorageException {
        awaitStat(key);
        return driver().open(key, options);
    }

    /** Reads a small object as ASCII, or "" if it is missing. */
    protected final String readQuietly(ObjectKey key, ReadOptions options) {
        try (ObjectContent content = driver().open(key, options)) {
            return new String(content.body().readAllBytes(), StandardCharsets.UTF_8);
        } catch (ObjectNotFoundException e) {
            return "";
        } catch (StorageException | IOException e) {
            throw new AssertionError(e);
        }
    }

    private ObjectInfo freshStat(ObjectKey key) {
        try {
            return driver().stat(key, ReadOptions.FRESH);
        } catch (StorageException e) {
            throw new AssertionError(e);
        }
    }

    private boolean isMissing(ObjectKey key) {
        try {
            driver().stat(key, ReadOptions.FRESH);
            return false;
        } catch (ObjectNotFoundException e) {
            return true;
        } catch (StorageException e) {
            throw new AssertionError(e);
        }
    }

    private List<ObjectKey> awaitListing(List<ObjectKey> expected) {
        return awaitListing(prefix, expected);
    }

    /** Waits until the listing of {@code listPrefix} equals {@code expected}; returns the last listing. */
    private List<ObjectKey> awaitListing(String listPrefix, List<ObjectKey> expected) {
        List<List<ObjectKey>> last = new ArrayList<>(List.of(List.of()));
        Duration deadline = driver().capabilities().has(Capability.LIST_AFTER_WRITE) ? Duration.ZERO : visibilityTimeout();
        try {
            Await.until("listing of " + listPrefix + " shows " + expected.size() + " keys", deadline, () -> {
                last.set(0, listAll(listPrefix));
                return last.get(0).equals(expected);
            });
        } catch (AssertionError e) {
            // fall through: callers assert on the listing they got, which names the difference
        }
        return last.get(0);
    }

    private List<ObjectKey> listAll(String listPrefix) {
        List<ObjectKey> keys = new ArrayList<>();
        ListRequest request = new ListRequest(listPrefix, Optional.empty(), 10_000);
        try {
            while (true) {
                ListPage page = driver().list(request);
                page.entries().forEach(entry -> keys.add(entry.key()));
                if (page.nextStartAfter().isEmpty()) {
                    return keys;
                }
                request = request.withStartAfter(page.nextStartAfter().get());
            }
        } catch (StorageException e) {
            throw new AssertionError(e);
        }
    }

    private void putAll(List<ObjectKey> keys) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<ObjectInfo>> puts = new ArrayList<>();
            for (ObjectKey key : keys) {
                puts.add(pool.submit(() -> driver().put(key, Payload.ofBytes(bytes(key.value())), PutOptions.DEFAULT)));
            }
            for (Future<ObjectInfo> put : puts) {
                put.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private void deleteAll(List<ObjectKey> keys) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Void>> deletes = new ArrayList<>();
            for (ObjectKey key : keys) {
                deletes.add(pool.submit(() -> {
                    driver().delete(key);
                    return null;
                }));
            }
            for (Future<Void> delete : deletes) {
                delete.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static String sha256OfConcatenation(List<Payload> parts) throws IOException {
        List<InputStream> streams = new ArrayList<>();
        for (Payload part : parts) {
            streams.add(part.open());
        }
        try (InputStream all = new java.io.SequenceInputStream(java.util.Collections.enumeration(streams))) {
            return SeededPayloads.sha256(all);
        }
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

}
