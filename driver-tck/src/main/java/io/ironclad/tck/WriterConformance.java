package io.ironclad.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.Capability;
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
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.UnsupportedCapabilityException;
import io.ironclad.driver.WriterState;
import io.ironclad.testsupport.SeededPayloads;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Conformance of the multi-part writer: parts then commit, zero parts, cancel, resume from a
 * persisted state, part order, retried last part, create-only commit.
 */
public abstract class WriterConformance extends ListingConformance {

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
        assertThat(driver().list(ListRequest.prefix(prefix())).entries()).isEmpty();
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

    // --- writer started at its target (a large put of a known key) ---

    @Test
    public void writerStartedAtTargetShowsNothingBeforeCommit() throws Exception {
        long partSize = partSize();
        ObjectKey key = key("at-target");
        PutOptions options = PutOptions.of(Map.of("kind", "at-target"));
        ObjectWriter writer = driver().newWriter(key, options);
        List<Payload> parts = List.of(SeededPayloads.of(31, partSize), SeededPayloads.of(32, 5));
        writer.writePart(1, parts.get(0));
        writer.writePart(2, parts.get(1));
        assertThat(driver().find(key, ReadOptions.FRESH)).as("nothing under the target before commit").isEmpty();
        assertThat(writer.commit(key, options).size()).isEqualTo(partSize + 5);
        try (ObjectContent content = awaitOpen(key, ReadOptions.FRESH)) {
            assertThat(content.info().userMetadata()).containsEntry("kind", "at-target");
            assertThat(SeededPayloads.sha256(content.body())).isEqualTo(sha256OfConcatenation(parts));
        }
        driver().delete(key);
    }

    @Test
    public void cancelledWriterStartedAtTargetKeepsTheObjectThere() throws Exception {
        ObjectKey key = key("at-existing");
        driver().put(key, Payload.ofBytes(bytes("old")), PutOptions.DEFAULT);
        ObjectWriter writer = driver().newWriter(key, PutOptions.DEFAULT);
        writer.writePart(1, SeededPayloads.of(33, partSize()));
        writer.cancel();
        assertThat(readQuietly(key, ReadOptions.FRESH)).as("a cancelled upload leaves the stored object alone").isEqualTo("old");
        driver().delete(key);
    }

    @Test
    public void writerStartedAtTargetWithoutPartsCommitsEmptyObject() throws Exception {
        ObjectKey key = key("at-target-empty");
        driver().newWriter(key, PutOptions.DEFAULT).commit(key, PutOptions.DEFAULT);
        assertThat(awaitStat(key).size()).isZero();
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
}
