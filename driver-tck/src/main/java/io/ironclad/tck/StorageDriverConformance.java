package io.ironclad.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.Capability;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.UnsupportedCapabilityException;
import io.ironclad.testsupport.Await;
import java.util.List;
import java.util.Map;
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
 *
 * <p>The suite is one chain of classes, one concern each: {@link ConformanceSupport} (hooks and
 * helpers), {@link ObjectConformance}, {@link ListingConformance}, {@link WriterConformance} and
 * this class (copy and metadata update). Drivers extend this class only.
 */
public abstract class StorageDriverConformance extends WriterConformance {

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
}
