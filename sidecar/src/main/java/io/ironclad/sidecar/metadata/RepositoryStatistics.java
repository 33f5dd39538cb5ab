package io.ironclad.sidecar.metadata;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * Counts per repository and for the whole registry, read from the metadata database (so every
 * replica answers the same). Read-only, on one connection without a transaction: four grouped
 * queries over one page of repositories, four aggregates for the totals (the ops overview).
 */
@Singleton
public final class RepositoryStatistics {

    /** The most repositories one page holds. */
    public static final int MAX_PAGE = 1000;

    private final Transactions tx;

    RepositoryStatistics(Transactions tx) {
        this.tx = tx;
    }

    /**
     * One repository: its manifests, tags and linked blobs, and {@code blobBytes}, the sizes of
     * those blobs added up (a layer shared by two repositories counts in both).
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record RepositoryCounts(String name, long manifests, long tags, long blobs, long blobBytes, long manifestBytes) {
    }

    /**
     * The registry as a whole; {@code storedBytes} is what the object store holds for it: every
     * blob once plus the manifests (kept in the database).
     */
    public record Totals(long repositories, long manifests, long tags, long blobs, long blobBytes, long manifestBytes) {
        public long storedBytes() {
            return blobBytes + manifestBytes;
        }
    }

    /** A page of repositories in name order after {@code after}, and the name to continue from when there are more. */
    public record Page(List<RepositoryCounts> repositories, Optional<String> next, Totals totals) {
    }

    /**
     * The repositories named after {@code after} (all when empty), at most {@code limit}.
     *
     * @throws IllegalArgumentException when {@code limit} is not in 1..{@link #MAX_PAGE}
     */
    public Page page(String after, int limit) {
        if (limit < 1 || limit > MAX_PAGE) {
            throw new IllegalArgumentException("limit must be between 1 and " + MAX_PAGE + ", got " + limit);
        }
        try {
            return tx.readOnly(h -> {
                List<String> names = Statements.list(h, "SELECT name FROM repositories WHERE name > ? ORDER BY name LIMIT ?",
                        (rs, ctx) -> rs.getString(1), limit + 1, after, limit + 1);
                boolean more = names.size() > limit;
                List<String> page = more ? names.subList(0, limit) : names;
                List<RepositoryCounts> counts = page.isEmpty() ? List.of() : counts(h, after, page.get(page.size() - 1), page);
                return new Page(counts, more ? Optional.of(page.get(page.size() - 1)) : Optional.empty(), totals(h));
            });
        } catch (Metadata.MetadataException e) {
            throw new IllegalStateException("reading repository statistics failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** The counts of the repositories in {@code (after, last]}, which are exactly {@code names}. */
    private static List<RepositoryCounts> counts(Handle h, String after, String last, List<String> names) {
        Map<String, long[]> byName = new LinkedHashMap<>();
        names.forEach(n -> byName.put(n, new long[5]));
        Range range = new Range(after, last);
        grouped(h, "SELECT repository, COUNT(*), COALESCE(SUM(size), 0) FROM manifests", "repository", range, byName, 0, 4);
        grouped(h, "SELECT repository, COUNT(*), 0 FROM tags", "repository", range, byName, 1, -1);
        grouped(h, "SELECT rb.repository, COUNT(*), COALESCE(SUM(b.size), 0) FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest",
                "rb.repository", range, byName, 2, 3);
        List<RepositoryCounts> counts = new ArrayList<>();
        byName.forEach((name, n) -> counts.add(new RepositoryCounts(name, n[0], n[1], n[2], n[3], n[4])));
        return counts;
    }

    private record Range(String after, String last) {
    }

    /** One grouped row: the repository, its count and its sum. */
    private record Group(String repository, long count, long sum) {
    }

    /** Runs {@code select} grouped by {@code column} over the range, storing the count and (unless -1) the sum at those slots. */
    private static void grouped(Handle h, String select, String column, Range range, Map<String, long[]> into, int countAt, int sumAt) {
        String sql = select + " WHERE " + column + " > ? AND " + column + " <= ? GROUP BY " + column;
        for (Group g : Statements.list(h, sql, (rs, ctx) -> new Group(rs.getString(1), rs.getLong(2), rs.getLong(3)), Integer.MAX_VALUE,
                range.after(), range.last())) {
            long[] n = into.get(g.repository());
            if (n == null) {
                continue; // a repository created between the two reads
            }
            n[countAt] = g.count();
            if (sumAt >= 0) {
                n[sumAt] = g.sum();
            }
        }
    }

    private static Totals totals(Handle h) {
        long[] repositories = aggregate(h, "SELECT COUNT(*), 0 FROM repositories");
        long[] manifests = aggregate(h, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM manifests");
        long[] tags = aggregate(h, "SELECT COUNT(*), 0 FROM tags");
        long[] blobs = aggregate(h, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM blobs");
        return new Totals(repositories[0], manifests[0], tags[0], blobs[0], blobs[1], manifests[1]);
    }

    private static long[] aggregate(Handle h, String sql) {
        return Statements.one(h, sql, (rs, ctx) -> new long[] {rs.getLong(1), rs.getLong(2)}).orElseThrow();
    }
}
