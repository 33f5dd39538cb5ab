package io.ironclad.sidecar.metadata;

import static io.ironclad.sidecar.metadata.Statements.list;
import static io.ironclad.sidecar.metadata.Statements.one;
import static io.ironclad.sidecar.metadata.Statements.update;

import io.ironclad.driver.Digest;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/** Tags ({@code tags}): a name in a repository pointing at one of its manifests. */
@Singleton
public final class Tags {

    /** One tag as retention sees it: its name, the manifest it names, and when it was last pushed (epoch millis). */
    public record TagRow(String repository, String name, String digest, long updatedAt) {
    }

    private final Transactions tx;
    private final Clock clock;

    Tags(Transactions tx, Clock clock) {
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Points {@code tag} at a manifest the repository holds, in one transaction that locks the
     * manifest row (as the reachability collector does before it deletes an untagged manifest);
     * false when the repository does not hold that manifest (nothing changed then).
     */
    public boolean putTag(String repository, String tag, Digest digest) {
        return tx.durable(h -> {
            if (one(h, "SELECT 1 FROM manifests WHERE repository = ? AND digest = ? FOR UPDATE", (rs, ctx) -> 1, repository,
                    digest.toString()).isEmpty()) {
                return false;
            }
            set(h, repository, tag, digest.toString(), clock.millis());
            return true;
        });
    }

    public Optional<Digest> findTag(String repository, String tag) {
        return tx.transaction(h -> one(h, "SELECT digest FROM tags WHERE repository = ? AND name = ?", (rs, ctx) -> Digest.parse(rs.getString(1)),
                repository, tag));
    }

    public boolean deleteTag(String repository, String tag) {
        return tx.durable(h -> update(h, "DELETE FROM tags WHERE repository = ? AND name = ?", repository, tag)) > 0;
    }

    /** Tags in lexical order strictly after {@code last}, at most {@code limit}. */
    public List<String> tags(String repository, String last, int limit) {
        return tx.transaction(h -> list(h, "SELECT name FROM tags WHERE repository = ? AND name > ? ORDER BY name", (rs, ctx) -> rs.getString(1),
                limit, repository, last));
    }

    /** Every tag, by repository and newest first within one (the name breaks ties, so the order is the same every time). */
    public List<TagRow> allNewestFirst() {
        return tx.retried(h -> list(h, "SELECT repository, name, digest, updated_at FROM tags ORDER BY repository, updated_at DESC, name",
                (rs, ctx) -> new TagRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4)), Integer.MAX_VALUE));
    }

    /** Deletes the tag only if it still names the manifest it named and was not pushed again since; 1 if it did, else 0. */
    public int deleteIfUnchanged(TagRow tag) {
        return tx.retried(h -> update(h, "DELETE FROM tags WHERE repository = ? AND name = ? AND digest = ? AND updated_at = ?",
                tag.repository(), tag.name(), tag.digest(), tag.updatedAt()));
    }

    /** Points the tag at {@code digest} within the caller's transaction. */
    static void set(Handle h, String repository, String tag, String digest, long now) {
        if (update(h, "UPDATE tags SET digest = ?, updated_at = ? WHERE repository = ? AND name = ?", digest, now, repository, tag) == 0) {
            update(h, "INSERT INTO tags (repository, name, digest, updated_at) VALUES (?, ?, ?, ?)", repository, tag, digest, now);
        }
    }
}
