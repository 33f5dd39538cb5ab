package io.ironclad.sidecar.registry;

import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the registry stores a blob's bytes: {@code blobs/<algorithm>/<first 2 hex>/<hex>}, the one
 * place that builds or reads that key. Pushes, the pull-through cache, write-back, the orphan
 * collector and the operator commands all go through it.
 */
public final class BlobLayout {

    /** The prefix every blob key starts with: what a listing of the store's blobs asks for. */
    public static final String PREFIX = "blobs/";

    private static final Pattern KEY = Pattern.compile("blobs/([a-z0-9]+)/([0-9a-f]{2})/([0-9a-f]+)");

    private BlobLayout() {
    }

    /** The key {@code digest}'s bytes are stored under. */
    public static ObjectKey key(Digest digest) {
        return ObjectKey.of(PREFIX + digest.algorithm().ociName() + "/" + digest.hex().substring(0, 2) + "/" + digest.hex());
    }

    /** The digest {@code key} names, if it is exactly the key {@link #key} gives for that digest; empty for any other key. */
    public static Optional<Digest> digestOf(ObjectKey key) {
        Matcher m = KEY.matcher(key.value());
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            Digest digest = new Digest(Digest.Algorithm.fromOciName(m.group(1)), m.group(3));
            return key(digest).equals(key) ? Optional.of(digest) : Optional.empty();
        } catch (IllegalArgumentException notADigest) {
            return Optional.empty();
        }
    }
}
