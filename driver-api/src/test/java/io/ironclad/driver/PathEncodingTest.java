package io.ironclad.driver;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathEncodingTest {

    @Test
    void everythingButUnreservedCharactersIsEncodedAsUtf8() {
        assertThat(PathEncoding.segment("a-b.c_d~e")).isEqualTo("a-b.c_d~e");
        assertThat(PathEncoding.segment("a b/c+d*ü")).isEqualTo("a%20b%2Fc%2Bd%2A%C3%BC");
    }

    @Test
    void aPathKeepsItsSlashesAndEmptySegments() {
        assertThat(PathEncoding.path("blobs/sha256/a b")).isEqualTo("blobs/sha256/a%20b");
        assertThat(PathEncoding.path("/a//b/")).isEqualTo("/a//b/");
    }
}
