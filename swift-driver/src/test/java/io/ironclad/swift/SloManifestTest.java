package io.ironclad.swift;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.PartInfo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class SloManifestTest {

    @Test
    void listsPathEtagAndSizeOfEachSegmentInOrder() {
        List<PartInfo> parts = List.of(
                new PartInfo(1, 1024, "0cc175b9c0f1b6a831c399e269772661", "blobs+segments/u1/00000001-0a0b0c0d"),
                new PartInfo(2, 7, "92eb5ffee6ae2fec3ad71c777531578f", "blobs+segments/u1/00000002-01020304"));
        assertThat(new String(SloManifest.json(parts), StandardCharsets.UTF_8)).isEqualTo(
                "[{\"path\":\"/blobs+segments/u1/00000001-0a0b0c0d\",\"etag\":\"0cc175b9c0f1b6a831c399e269772661\",\"size_bytes\":1024},"
                        + "{\"path\":\"/blobs+segments/u1/00000002-01020304\",\"etag\":\"92eb5ffee6ae2fec3ad71c777531578f\",\"size_bytes\":7}]");
    }

    @Test
    void leavesOutEmptySegmentsWhichSwiftRefuses() {
        List<PartInfo> parts = List.of(
                new PartInfo(1, 5, "e", "s/u/00000001-00000000"),
                new PartInfo(2, 0, "d41d8cd98f00b204e9800998ecf8427e", "s/u/00000002-00000000"));
        assertThat(new String(SloManifest.json(parts), StandardCharsets.UTF_8)).doesNotContain("00000002");
        assertThat(SloManifest.hasBytes(parts)).isTrue();
        assertThat(SloManifest.hasBytes(List.of(parts.get(1)))).isFalse();
    }

    @Test
    void segmentPathsWithUnicodeStayJsonStrings() {
        String json = new String(SloManifest.json(List.of(new PartInfo(1, 1, "e", "s/\u00e9\"x"))), StandardCharsets.UTF_8);
        assertThat(json).contains("\"path\":\"/s/\u00e9\\\"x\"");
    }
}
