package io.ironclad.sidecar.notifications;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Digest;
import java.util.Optional;

/**
 * What an event is about, as distribution's event {@code target}: a manifest or blob of a
 * repository (by digest, with its media type and size when known, and the tag a manifest was
 * pushed, pulled or deleted by), or a whole repository.
 */
public record Target(String repository, Optional<Digest> digest, String mediaType, long size, Optional<String> tag,
        Optional<String> fromRepository, String kind) {

    public Target {
        requireNonNull(repository, "repository is null");
        requireNonNull(digest, "digest is null");
        requireNonNull(mediaType, "mediaType is null");
        requireNonNull(tag, "tag is null");
        requireNonNull(fromRepository, "fromRepository is null");
        requireNonNull(kind, "kind is null");
    }

    /** The media type distribution reports for layer blobs (it does not know a blob's real type). */
    static final String LAYER_MEDIA_TYPE = "application/octet-stream";

    public static Target manifest(String repository, Digest digest, String mediaType, long size, Optional<String> tag) {
        return new Target(repository, Optional.of(digest), mediaType, size, tag, Optional.empty(), "manifests");
    }

    /** A manifest deleted by tag or digest: distribution sends the reference only. */
    public static Target deletedManifest(String repository, Optional<Digest> digest, Optional<String> tag) {
        return new Target(repository, digest, "", 0, tag, Optional.empty(), "manifests");
    }

    public static Target blob(String repository, Digest digest, long size) {
        return new Target(repository, Optional.of(digest), LAYER_MEDIA_TYPE, size, Optional.empty(), Optional.empty(), "blobs");
    }

    public static Target mountedBlob(String repository, Digest digest, long size, String from) {
        return new Target(repository, Optional.of(digest), LAYER_MEDIA_TYPE, size, Optional.empty(), Optional.of(from), "blobs");
    }

    public static Target repository(String repository) {
        return new Target(repository, Optional.empty(), "", 0, Optional.empty(), Optional.empty(), "");
    }
}
