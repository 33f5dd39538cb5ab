package io.ironclad.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class S3MetadataTest {

    private static final String HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    @Test
    void aSha256DigestBecomesTheBase64Checksum() {
        assertThat(S3Metadata.sha256Checksum(Optional.of(Digest.parse("sha256:" + HEX))))
                .contains(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(HEX)));
        assertThat(S3Metadata.sha256Checksum(Optional.of(Digest.parse("sha512:" + HEX + HEX)))).isEmpty();
        assertThat(S3Metadata.sha256Checksum(Optional.empty())).isEmpty();
    }

    @Test
    void userMetadataKeysComeBackLowerCase() {
        assertThat(S3Metadata.userMetadata(Map.of("Ironclad-Digest", "sha256:x", "a", "B"))).isEqualTo(Map.of("ironclad-digest", "sha256:x", "a", "B"));
    }

    @Test
    void etagsLoseTheirQuotes() {
        assertThat(S3Metadata.etag("\"abc-2\"")).isEqualTo("abc-2");
        assertThat(S3Metadata.etag("abc")).isEqualTo("abc");
        assertThat(S3Metadata.quoted("abc")).isEqualTo("\"abc\"");
    }

    @Test
    void contentRangeGivesRangeAndFullSize() throws Exception {
        S3Metadata.ContentRange range = S3Metadata.contentRange(ObjectKey.of("k"), "bytes 2-5/10");
        assertThat(range.range()).isEqualTo(new ByteRange(2, 5));
        assertThat(range.size()).isEqualTo(10);
        assertThatThrownBy(() -> S3Metadata.contentRange(ObjectKey.of("k"), "bytes */10")).isInstanceOf(StorageException.class)
                .hasMessageContaining("[s3] k:");
    }
}
