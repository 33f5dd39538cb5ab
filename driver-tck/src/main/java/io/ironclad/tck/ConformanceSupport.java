package io.ironclad.tck;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.Capability;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.testsupport.Await;
import io.ironclad.testsupport.SeededPayloads;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The hooks and helpers of the conformance kit ({@link StorageDriverConformance}): the driver
 * under test, a unique key prefix per test, waiting with a deadline where the driver does not
 * promise visibility at once, and the check after every test that nothing is left behind.
 */
public abstract class ConformanceSupport {

    static final int MIB = 1024 * 1024;

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

    final ObjectInfo freshStat(ObjectKey key) {
        try {
            return driver().stat(key, ReadOptions.FRESH);
        } catch (StorageException e) {
            throw new AssertionError(e);
        }
    }

    final boolean isMissing(ObjectKey key) {
        try {
            driver().stat(key, ReadOptions.FRESH);
            return false;
        } catch (ObjectNotFoundException e) {
            return true;
        } catch (StorageException e) {
            throw new AssertionError(e);
        }
    }

    final List<ObjectKey> awaitListing(List<ObjectKey> expected) {
        return awaitListing(prefix, expected);
    }

    /** Waits until the listing of {@code listPrefix} equals {@code expected}; returns the last listing. */
    final List<ObjectKey> awaitListing(String listPrefix, List<ObjectKey> expected) {
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

    final List<ObjectKey> listAll(String listPrefix) {
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

    final void putAll(List<ObjectKey> keys) throws Exception {
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

    final void deleteAll(List<ObjectKey> keys) throws Exception {
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

    static String sha256OfConcatenation(List<Payload> parts) throws IOException {
        List<InputStream> streams = new ArrayList<>();
        for (Payload part : parts) {
            streams.add(part.open());
        }
        try (InputStream all = new java.io.SequenceInputStream(java.util.Collections.enumeration(streams))) {
            return SeededPayloads.sha256(all);
        }
    }

    static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
