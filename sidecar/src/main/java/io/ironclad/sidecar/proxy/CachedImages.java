package io.ironclad.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Digest;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The {@code proxy_images} table: every manifest the cache stored, the bytes it stands for and
 * when a client last asked for it, for the size bound's least-recently-used eviction. Plain SQL
 * for H2 and PostgreSQL.
 */
@Singleton
final class CachedImages {

    /** Uses closer together than this are one use: a pull does not cost a database write per request. */
    static final Duration TOUCH_GRANULARITY = Duration.ofMinutes(1);

    /** A cached manifest. */
    record CachedImage(String repository, Digest digest, long bytes, Instant lastUsed) {
    }

    private final DataSource dataSource;

    CachedImages(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    /** The cache stored manifest {@code digest} of {@code repository}, standing for {@code bytes}. */
    void stored(String repository, Digest digest, long bytes, Instant now) {
        if (update("UPDATE proxy_images SET bytes = ?, last_used_at = ? WHERE repository = ? AND digest = ?",
                bytes, now.toEpochMilli(), repository, digest.toString()) == 0) {
            try {
                update("INSERT INTO proxy_images (repository, digest, bytes, last_used_at) VALUES (?, ?, ?, ?)",
                        repository, digest.toString(), bytes, now.toEpochMilli());
            } catch (IllegalStateException raced) {
                // a concurrent fetch of the same manifest inserted first: its row is as good
            }
        }
    }

    /** A client asked for the manifest now. */
    void used(String repository, Digest digest, Instant now) {
        update("UPDATE proxy_images SET last_used_at = ? WHERE repository = ? AND digest = ? AND last_used_at < ?",
                now.toEpochMilli(), repository, digest.toString(), now.minus(TOUCH_GRANULARITY).toEpochMilli());
    }

    long totalBytes() {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement("SELECT COALESCE(SUM(bytes), 0) FROM proxy_images");
                ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("proxy_images: " + e.getMessage(), e);
        }
    }

    /** The {@code limit} least recently used, oldest first. */
    List<CachedImage> leastRecentlyUsed(int limit) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT repository, digest, bytes, last_used_at FROM proxy_images ORDER BY last_used_at, repository, digest")) {
            s.setMaxRows(limit);
            try (ResultSet rs = s.executeQuery()) {
                List<CachedImage> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(new CachedImage(rs.getString(1), Digest.parse(rs.getString(2)), rs.getLong(3), Instant.ofEpochMilli(rs.getLong(4))));
                }
                return rows;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("proxy_images: " + e.getMessage(), e);
        }
    }

    void delete(String repository, Digest digest) {
        update("DELETE FROM proxy_images WHERE repository = ? AND digest = ?", repository, digest.toString());
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("proxy_images: " + e.getMessage(), e);
        }
    }
}
