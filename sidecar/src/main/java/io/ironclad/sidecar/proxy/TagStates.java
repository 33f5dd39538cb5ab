package io.ironclad.sidecar.proxy;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Digest;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * The {@code proxy_tags} table: for each cached tag, the digest the upstream named and when it
 * last confirmed it. The only SQL of the pull-through cache; plain SQL for H2 and PostgreSQL.
 */
@Singleton
final class TagStates {

    /** A cached tag as the upstream last confirmed it. */
    record TagState(String repository, String tag, String upstream, Digest digest, Instant confirmed) {
        TagState {
            requireNonNull(repository, "repository is null");
            requireNonNull(tag, "tag is null");
            requireNonNull(upstream, "upstream is null");
            requireNonNull(digest, "digest is null");
            requireNonNull(confirmed, "confirmed is null");
        }
    }

    private final DataSource dataSource;

    TagStates(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource is null");
    }

    Optional<TagState> find(String repository, String tag) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT upstream, digest, confirmed_at FROM proxy_tags WHERE repository = ? AND name = ?")) {
            s.setString(1, repository);
            s.setString(2, tag);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next()
                        ? Optional.of(new TagState(repository, tag, rs.getString(1), Digest.parse(rs.getString(2)), Instant.ofEpochMilli(rs.getLong(3))))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("proxy_tags: " + e.getMessage(), e);
        }
    }

    /** Records that {@code upstream} named {@code digest} for the tag at {@code at}. */
    void confirm(TagState state) {
        int updated = update("UPDATE proxy_tags SET upstream = ?, digest = ?, confirmed_at = ? WHERE repository = ? AND name = ?",
                state.upstream(), state.digest().toString(), state.confirmed().toEpochMilli(), state.repository(), state.tag());
        if (updated == 0) {
            try {
                update("INSERT INTO proxy_tags (repository, name, upstream, digest, confirmed_at) VALUES (?, ?, ?, ?, ?)",
                        state.repository(), state.tag(), state.upstream(), state.digest().toString(), state.confirmed().toEpochMilli());
            } catch (IllegalStateException raced) {
                // a concurrent confirmation inserted first: either one is the upstream's answer
                update("UPDATE proxy_tags SET upstream = ?, digest = ?, confirmed_at = ? WHERE repository = ? AND name = ?",
                        state.upstream(), state.digest().toString(), state.confirmed().toEpochMilli(), state.repository(), state.tag());
            }
        }
    }

    /** Forgets every cached tag of {@code repository} that names {@code digest} (the image was evicted). */
    void deleteNaming(String repository, Digest digest) {
        update("DELETE FROM proxy_tags WHERE repository = ? AND digest = ?", repository, digest.toString());
    }

    void delete(String repository, String tag) {
        update("DELETE FROM proxy_tags WHERE repository = ? AND name = ?", repository, tag);
    }

    private int update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            return s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("proxy_tags: " + e.getMessage(), e);
        }
    }
}
