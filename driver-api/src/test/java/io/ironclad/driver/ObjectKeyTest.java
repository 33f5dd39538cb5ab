package io.ironclad.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ObjectKeyTest {

    @ParameterizedTest
    @ValueSource(strings = {"", "..", ".", "a/../b", "a/./b", "a//b", "/a", "a/", "a\u0000b", "a\tb", "a\u007fb", "a\u0085b",
            "a\uD800", "\uDC00a", "a\uD800b"})
    void rejects(String value) {
        assertThatThrownBy(() -> ObjectKey.of(value)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid object key");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "blobs/sha256/ab/cd", "a..b", ".hidden", "a/.../b", "space ok", "\uD83D\uDE00", "caf\u00e9"})
    void accepts(String value) {
        assertThat(ObjectKey.of(value).value()).isEqualTo(value);
    }

    @Test
    void limitIsCountedInUtf8Bytes() {
        assertThat(ObjectKey.of("x".repeat(1024)).value()).hasSize(1024);
        assertThatThrownBy(() -> ObjectKey.of("x".repeat(1025))).hasMessageContaining("1024");
        assertThat(ObjectKey.of("\u00e9".repeat(512)).value()).hasSize(512);
        assertThatThrownBy(() -> ObjectKey.of("\u00e9".repeat(513))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void controlCharactersArePrintedEscaped() {
        assertThatThrownBy(() -> ObjectKey.of("a\nb")).hasMessageContaining("a\\u000ab");
    }

    @Test
    void ordersByUtf8Bytes() {
        ObjectKey bmp = ObjectKey.of("\uFFFD");
        ObjectKey supplementary = ObjectKey.of("\uD83D\uDE00");
        assertThat("\uFFFD".compareTo("\uD83D\uDE00")).as("UTF-16 order differs").isPositive();
        assertThat(bmp.compareTo(supplementary)).isNegative();
        assertThat(ObjectKey.of("a-b").compareTo(ObjectKey.of("a/b"))).isNegative();
        assertThat(ObjectKey.of("Z").compareTo(ObjectKey.of("a"))).isNegative();
        assertThat(ObjectKey.compareUtf8("", "a")).isNegative();
    }

    @Test
    void resolveAppendsSegments() {
        assertThat(ObjectKey.of("a").resolve("b/c")).isEqualTo(ObjectKey.of("a/b/c"));
        assertThatThrownBy(() -> ObjectKey.of("a").resolve("")).isInstanceOf(IllegalArgumentException.class);
    }
}
