package io.ironclad.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ValuesTest {

    @Test
    void byteRangeClampsAndKnowsSatisfiability() {
        assertThat(new ByteRange(2, 100).clamp(10)).isEqualTo(new ByteRange(2, 9));
        assertThat(ByteRange.from(3).clamp(10)).isEqualTo(new ByteRange(3, 9));
        assertThat(ByteRange.from(3).isOpenEnded()).isTrue();
        assertThat(ByteRange.from(3).toString()).isEqualTo("3-");
        assertThat(new ByteRange(9, 9).satisfiable(10)).isTrue();
        assertThat(new ByteRange(10, 10).satisfiable(10)).isFalse();
        assertThat(new ByteRange(0, 0).satisfiable(0)).isFalse();
        assertThatThrownBy(() -> new ByteRange(10, 12).clamp(10)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ByteRange.ofLength(5, 3)).isEqualTo(new ByteRange(5, 7));
        assertThat(ByteRange.ofLength(5, 3).length()).isEqualTo(3);
        assertThatThrownBy(() -> ByteRange.ofLength(0, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ByteRange(-1, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ByteRange(3, 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ByteRange.ofLength(Long.MAX_VALUE, 2)).isInstanceOf(ArithmeticException.class);
    }

    @Test
    void putOptionsValidateMetadata() {
        assertThat(PutOptions.of(Map.of("ironclad-digest", "sha256:ab", "a", "")).userMetadata()).hasSize(2);
        assertThatThrownBy(() -> PutOptions.of(Map.of("Upper", "x"))).hasMessageContaining("invalid metadata key 'Upper'");
        assertThatThrownBy(() -> PutOptions.of(Map.of("-lead", "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PutOptions.of(Map.of("k".repeat(129), "x"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PutOptions.of(Map.of("k", "line\nbreak"))).hasMessageContaining("printable ASCII");
        assertThatThrownBy(() -> PutOptions.of(Map.of("k", "caf\u00e9"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PutOptions.of(Map.of("k", "v".repeat(1025)))).isInstanceOf(IllegalArgumentException.class);
        assertThat(PutOptions.of(Map.of("a", "1")).withMetadata(Map.of("a", "2", "b", "3")).userMetadata())
                .isEqualTo(Map.of("a", "2", "b", "3"));
    }

    @Test
    void writerStateNeedsPartsNumberedFromOne() {
        PartInfo one = new PartInfo(1, 5, "e1", "");
        PartInfo two = new PartInfo(2, 7, "e2", "");
        assertThat(new WriterState("memory", "u", List.of(one, two)).size()).isEqualTo(12);
        assertThat(new WriterState("memory", "u", List.of()).size()).isZero();
        assertThatThrownBy(() -> new WriterState("memory", "u", List.of(two))).hasMessageContaining("numbered 1..1");
        assertThatThrownBy(() -> new WriterState("memory", "u", List.of(one, one))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PartInfo(0, 1, "e", "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void exceptionsNameDriverAndKeyAndOnlyTransientIsRetryable() {
        ObjectKey key = ObjectKey.of("blobs/x");
        assertThat(new ObjectNotFoundException("swift", key, "not found")).hasMessage("[swift] blobs/x: not found");
        assertThat(new StorageException("s3", null, "boom")).hasMessage("[s3] boom");
        assertThat(new TransientStorageException("s3", key, "503").retryable()).isTrue();
        List<StorageException> fatal = List.of(new StorageException("d", key, "m"), new ObjectNotFoundException("d", key, "m"),
                new ObjectAlreadyExistsException("d", key, "m"), new PreconditionFailedException("d", key, "m"),
                new UnsupportedCapabilityException("d", key, Capability.SERVER_SIDE_COPY), new IntegrityException("d", key, "m"),
                new ConsistencyTimeoutException("d", key, "m"), new OutcomeUnknownException("d", key, "m"),
                new RangeNotSatisfiableException("d", key, "m"));
        assertThat(fatal).noneMatch(StorageException::retryable).allSatisfy(e -> {
            assertThat(e.getMessage()).startsWith("[d] blobs/x: ");
            assertThat(e.driver()).isEqualTo("d");
            assertThat(e.key()).contains(key);
        });
    }
}
