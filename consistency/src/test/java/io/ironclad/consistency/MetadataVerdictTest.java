package io.ironclad.consistency;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetadataVerdictTest {

    private static final Digest A = Hashers.fast(Digest.Algorithm.SHA256).digest();
    private static final Digest B = Digest.parse("sha256:" + "b".repeat(64));
    private static final Instant T = Instant.ofEpochMilli(1_000);

    private static ObjectInfo info(long size, Map<String, String> metadata) {
        return new ObjectInfo(ObjectKey.of("blobs/x"), size, "etag", T, metadata);
    }

    @Test
    void agreesWhenDigestAndSizeMatch() {
        MetadataVerdict verdict = MetadataVerdict.judge(info(1, new IntegrityMetadata(A, 1, T).toUserMetadata()), A, 1);
        assertThat(verdict.outcome()).isEqualTo(MetadataVerdict.Outcome.AGREES);
        assertThat(verdict.metadata()).contains(new IntegrityMetadata(A, 1, T));
        assertThat(verdict.detail()).isEmpty();
    }

    @Test
    void absentForALegacyObject() {
        assertThat(MetadataVerdict.judge(info(1, Map.of()), A, 1).outcome()).isEqualTo(MetadataVerdict.Outcome.ABSENT);
    }

    @Test
    void malformedEntriesAreNamed() {
        MetadataVerdict verdict = MetadataVerdict.judge(info(1, Map.of(IntegrityMetadata.DIGEST, "nonsense")), A, 1);
        assertThat(verdict.outcome()).isEqualTo(MetadataVerdict.Outcome.MALFORMED);
        assertThat(verdict.detail()).startsWith("malformed integrity metadata");
    }

    @Test
    void disagreesOnAnotherDigestOrSize() {
        MetadataVerdict digest = MetadataVerdict.judge(info(1, new IntegrityMetadata(B, 1, T).toUserMetadata()), A, 1);
        assertThat(digest.outcome()).isEqualTo(MetadataVerdict.Outcome.DISAGREES);
        assertThat(digest.detail()).contains(B.toString()).contains(A.toString());
        MetadataVerdict size = MetadataVerdict.judge(info(2, new IntegrityMetadata(A, 1, T).toUserMetadata()), A, 2);
        assertThat(size.outcome()).isEqualTo(MetadataVerdict.Outcome.DISAGREES);
        assertThat(size.detail()).isEqualTo("stored size 2 != metadata size 1");
    }
}
