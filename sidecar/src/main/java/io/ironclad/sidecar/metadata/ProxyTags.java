package io.ironclad.sidecar.metadata;

import static io.ironclad.sidecar.metadata.Statements.one;
import static io.ironclad.sidecar.metadata.Statements.update;
import static java.util.Objects.requireNonNull;

import io.ironclad.driver.Digest;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.Optional;

/**
 * The pull-through cache's tags ({@code proxy_tags}): for each cached tag, the digest the upstream
 * named and when it last confirmed it. A cache's bookkeeping: each statement is its own
 * transaction, not synced on H2 ({@link Transactions#transaction}); a crash that loses a
 * confirmation only means the next pull asks the upstream again.
 */
@Singleton
public final class ProxyTags {

    /** A cached tag as the upstream last confirmed it. */
    public record TagState(String repository, String tag, String upstream, Digest digest, Instant confirmed) {
        public TagState {
            requireNonNull(repository, "repository is null");
            requireNonNull(tag, "tag is null");
            requireNonNull(upstream, "upstream is null");
            requireNonNull(digest, "digest is null");
            requireNonNull(confirmed, "confirmed is null");
        }
    }

    private static final String CONFIRM = "UPDATE proxy_tags SET upstream = ?, digest = ?, confirmed_at = ? WHERE repository = ? AND name = ?";

    private final Transactions tx;

    ProxyTags(Transactions tx) {
        this.tx = tx;
    }

    public Optional<TagState> find(String repository, String tag) {
        return tx.transaction(h -> one(h, "SELECT upstream, digest, confirmed_at FROM proxy_tags WHERE repository = ? AND name = ?",
                (rs, ctx) -> new TagState(repository, tag, rs.getString(1), Digest.parse(rs.getString(2)), Instant.ofEpochMilli(rs.getLong(3))),
                repository, tag));
    }

    /** Records that {@code state.upstream()} named {@code state.digest()} for the tag at {@code state.confirmed()}. */
    public void confirm(TagState state) {
        if (updateConfirmation(state) == 0
                && !tx.insertUnlessPresent("INSERT INTO proxy_tags (repository, name, upstream, digest, confirmed_at) VALUES (?, ?, ?, ?, ?)",
                        state.repository(), state.tag(), state.upstream(), state.digest().toString(), state.confirmed().toEpochMilli())) {
            // a concurrent confirmation inserted first: either one is the upstream's answer
            updateConfirmation(state);
        }
    }

    /** Forgets every cached tag of {@code repository} that names {@code digest} (the image was evicted). */
    public void deleteNaming(String repository, Digest digest) {
        tx.transaction(h -> update(h, "DELETE FROM proxy_tags WHERE repository = ? AND digest = ?", repository, digest.toString()));
    }

    public void delete(String repository, String tag) {
        tx.transaction(h -> update(h, "DELETE FROM proxy_tags WHERE repository = ? AND name = ?", repository, tag));
    }

    private int updateConfirmation(TagState state) {
        return tx.transaction(h -> update(h, CONFIRM, state.upstream(), state.digest().toString(), state.confirmed().toEpochMilli(),
                state.repository(), state.tag()));
    }
}
