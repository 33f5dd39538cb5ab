package io.ironclad.sidecar.cli.importer;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.sidecar.cli.BlobKeys;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The link files of CNCF distribution's repositories tree, as they appear under
 * {@code <root>docker/registry/v2/repositories/<name>/}: {@code _layers/<alg>/<hex>/link} (a
 * blob of the repository), {@code _manifests/revisions/<alg>/<hex>/link} (a manifest of it) and
 * {@code _manifests/tags/<tag>/current/link} (the manifest a tag names now). A tag's
 * {@code index/} history and {@code _uploads/} are not part of what the repository serves.
 * Repository name components never start with {@code _}, so the first {@code /_} ends the name
 * (names may be nested: {@code library/nginx}), and every repository's keys are one contiguous
 * range of a listing in key order.
 */
final class DistributionTree {

    static final String REPOSITORIES = BlobKeys.DOCKER_TREE + "repositories/";

    private static final Pattern TAG_LINK = Pattern.compile("_manifests/tags/([^/]+)/current/link");
    private static final Pattern BLOB_LINK = Pattern.compile("(_layers|_manifests/revisions)/[a-z0-9]+/[0-9a-f]+/link");

    private DistributionTree() {
    }

    /** What one listed key under {@code <root>}{@link #REPOSITORIES} is. */
    enum Kind { LAYER, REVISION, TAG, OTHER }

    /**
     * One key of a repository.
     *
     * @param repository the repository's name
     * @param key the listed key
     * @param kind what the key is
     * @param blob for a layer or revision link: the blob's data key and digest
     * @param tag for a tag link: the tag
     */
    record Entry(String repository, ObjectKey key, Kind kind, Optional<BlobKeys.Blob> blob, Optional<String> tag) {
    }

    /** The repository a key under {@code <root>}{@link #REPOSITORIES} belongs to, and what it is; empty for a key of no repository. */
    static Optional<Entry> parse(String root, ObjectKey key) {
        String base = root + REPOSITORIES;
        if (!key.value().startsWith(base)) {
            return Optional.empty();
        }
        String relative = key.value().substring(base.length());
        int end = relative.indexOf("/_");
        if (end <= 0) {
            return Optional.empty();
        }
        String repository = relative.substring(0, end);
        String rest = relative.substring(end + 1);
        Matcher tag = TAG_LINK.matcher(rest);
        if (tag.matches()) {
            return Optional.of(new Entry(repository, key, Kind.TAG, Optional.empty(), Optional.of(tag.group(1))));
        }
        Matcher blob = BLOB_LINK.matcher(rest);
        Optional<BlobKeys.Blob> linked = blob.matches() ? BlobKeys.linkedBlob(key) : Optional.empty();
        if (linked.isPresent()) {
            Kind kind = blob.group(1).equals("_layers") ? Kind.LAYER : Kind.REVISION;
            return Optional.of(new Entry(repository, key, kind, linked, Optional.empty()));
        }
        return Optional.of(new Entry(repository, key, Kind.OTHER, Optional.empty(), Optional.empty()));
    }

    /** The digest a link file holds ({@code sha256:<hex>}, maybe with a trailing newline); empty when it holds none. */
    static Optional<Digest> linkTarget(byte[] content) {
        try {
            return Optional.of(Digest.parse(new String(content, java.nio.charset.StandardCharsets.US_ASCII).trim()));
        } catch (IllegalArgumentException notADigest) {
            return Optional.empty();
        }
    }
}
