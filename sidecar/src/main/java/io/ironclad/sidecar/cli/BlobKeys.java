package io.ironclad.sidecar.cli;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.sidecar.registry.BlobLayout;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where blobs live in the two store layouts the commands understand, and the digest each blob's
 * key names: Ironclad's ({@link BlobLayout}) and docker-registry's
 * {@code [<root>/]docker/registry/v2/blobs/<alg>/<2 hex>/<hex>/data} (its Swift driver puts the
 * tree under {@code files/}). Keys under {@code quarantine/} are never blobs.
 */
public final class BlobKeys {

    static final String QUARANTINE = "quarantine/";
    public static final String DOCKER_TREE = "docker/registry/v2/";

    private static final Pattern DOCKER = Pattern.compile("(.*/)?docker/registry/v2/blobs/([a-z0-9]+)/([0-9a-f]{2})/([0-9a-f]+)/data");
    private static final Pattern DOCKER_LINK = Pattern.compile(
            "(.*/)?docker/registry/v2/repositories/.+/(?:_layers|_manifests/revisions)/([a-z0-9]+)/([0-9a-f]+)/link");

    private BlobKeys() {
    }

    /** The digest a blob key names, or empty for a key that is not a blob (links, uploads, segments, quarantine). */
    static Optional<Digest> digestOf(ObjectKey key) {
        String value = key.value();
        if (value.startsWith(QUARANTINE)) {
            return Optional.empty();
        }
        Optional<Digest> ironclad = BlobLayout.digestOf(key);
        if (ironclad.isPresent()) {
            return ironclad;
        }
        Matcher docker = DOCKER.matcher(value);
        if (docker.matches()) {
            return digest(docker.group(2), docker.group(3), docker.group(4));
        }
        return Optional.empty();
    }

    /** The blob a docker-registry repository link names: its data key under the same root. */
    public static Optional<Blob> linkedBlob(ObjectKey link) {
        Matcher m = DOCKER_LINK.matcher(link.value());
        if (!m.matches()) {
            return Optional.empty();
        }
        Optional<Digest> digest = digest(m.group(2), m.group(3).length() >= 2 ? m.group(3).substring(0, 2) : "", m.group(3));
        String root = m.group(1) == null ? "" : m.group(1);
        return digest.map(d -> new Blob(ObjectKey.of(root + DOCKER_TREE + "blobs/" + d.algorithm().ociName() + "/"
                + d.hex().substring(0, 2) + "/" + d.hex() + "/data"), d));
    }

    /** A blob key with the digest its path names. */
    public record Blob(ObjectKey key, Digest digest) {
    }

    private static Optional<Digest> digest(String algorithm, String fanOut, String hex) {
        try {
            Digest digest = new Digest(Digest.Algorithm.fromOciName(algorithm), hex);
            return hex.startsWith(fanOut) ? Optional.of(digest) : Optional.empty();
        } catch (IllegalArgumentException notADigest) {
            return Optional.empty();
        }
    }
}
