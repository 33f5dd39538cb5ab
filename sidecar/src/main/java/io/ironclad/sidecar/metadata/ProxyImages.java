package io.ironclad.sidecar.metadata;

import static io.ironclad.sidecar.metadata.Statements.list;
import static io.ironclad.sidecar.metadata.Statements.one;
import static io.ironclad.sidecar.metadata.Statements.update;

import io.ironclad.driver.Digest;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The pull-through cache's images ({@code proxy_images}): every manifest the cache stored, the
 * bytes it stands for and when a client last asked for it, for the size bound's
 * least-recently-used eviction. A cache's bookkeeping: each statement is its own transaction,
 * not synced on H2 ({@link Transactions#transaction}).
 */
@Singleton
public final class ProxyImages {

    /** Uses closer together than this are one use: a pull does not cost a database write per request. */
    private static final Duration TOUCH_GRANULARITY = Duration.ofMinutes(1);

    /** A cached manifest. */
    public record CachedImage(String repository, Digest digest, long bytes, Instant lastUsed) {
    }

    private final Transactions tx;

    ProxyImages(Transactions tx) {
        this.tx = tx;
    }

    /** The cache stored manifest {@code digest} of {@code repository}, standing for {@code bytes}. */
    public void stored(String repository, Digest digest, long bytes, Instant now) {
        if (tx.transaction(h -> update(h, "UPDATE proxy_images SET bytes = ?, last_used_at = ? WHERE repository = ? AND digest = ?",
                bytes, now.toEpochMilli(), repository, digest.toString())) == 0) {
            // false when a concurrent fetch of the same manifest inserted first: its row is as good
            tx.insertUnlessPresent("INSERT INTO proxy_images (repository, digest, bytes, last_used_at) VALUES (?, ?, ?, ?)",
                    repository, digest.toString(), bytes, now.toEpochMilli());
        }
    }

    /** A client asked for the manifest now. */
    public void used(String repository, Digest digest, Instant now) {
        tx.transaction(h -> update(h, "UPDATE proxy_images SET last_used_at = ? WHERE repository = ? AND digest = ? AND last_used_at < ?",
                now.toEpochMilli(), repository, digest.toString(), now.minus(TOUCH_GRANULARITY).toEpochMilli()));
    }

    public long totalBytes() {
        return tx.transaction(h -> one(h, "SELECT COALESCE(SUM(bytes), 0) FROM proxy_images", (rs, ctx) -> rs.getLong(1)).orElseThrow());
    }

    /** The {@code limit} least recently used, oldest first. */
    public List<CachedImage> leastRecentlyUsed(int limit) {
        return tx.transaction(h -> list(h, "SELECT repository, digest, bytes, last_used_at FROM proxy_images ORDER BY last_used_at, repository, digest",
                (rs, ctx) -> new CachedImage(rs.getString(1), Digest.parse(rs.getString(2)), rs.getLong(3), Instant.ofEpochMilli(rs.getLong(4))),
                limit));
    }

    public void delete(String repository, Digest digest) {
        tx.transaction(h -> update(h, "DELETE FROM proxy_images WHERE repository = ? AND digest = ?", repository, digest.toString()));
    }
}
