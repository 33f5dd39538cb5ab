package io.ironclad.swift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ironclad.driver.PartInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of a Static Large Object manifest ({@code PUT ?multipart-manifest=put}): one entry per
 * segment with its path, etag and size, so Swift assembles and checks the object without any
 * container listing.
 */
final class SloManifest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SloManifest() {
    }

    /**
     * The manifest JSON for {@code parts}, whose {@link PartInfo#location()} is the segment's
     * {@code container/object} path. Empty parts are left out: Swift refuses zero-byte segments and
     * they add no bytes.
     */
    static byte[] json(List<PartInfo> parts) {
        ArrayNode manifest = JSON.createArrayNode();
        for (PartInfo part : parts) {
            if (part.size() == 0) {
                continue;
            }
            ObjectNode segment = manifest.addObject();
            segment.put("path", "/" + part.location());
            segment.put("etag", part.etag());
            segment.put("size_bytes", part.size());
        }
        try {
            return JSON.writeValueAsString(manifest).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an SLO manifest", e);
        }
    }

    /** The segment paths ({@code /container/object}) a manifest of {@code parts} names, in order. */
    static List<String> segmentPaths(List<PartInfo> parts) {
        return parts.stream().filter(part -> part.size() > 0).map(part -> "/" + part.location()).toList();
    }

    /** The segment paths named by a stored manifest, as {@code GET ?multipart-manifest=get} returns it. */
    static List<String> storedSegmentPaths(byte[] stored) {
        try {
            List<String> paths = new ArrayList<>();
            for (JsonNode segment : JSON.readTree(stored)) {
                paths.add(segment.path("name").asText());
            }
            return paths;
        } catch (IOException e) {
            throw new IllegalStateException("unreadable SLO manifest: " + e.getMessage(), e);
        }
    }

    /** Whether {@code parts} hold any byte; a manifest needs at least one non-empty segment. */
    static boolean hasBytes(List<PartInfo> parts) {
        return parts.stream().anyMatch(part -> part.size() > 0);
    }
}
