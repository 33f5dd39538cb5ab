package io.ironclad.sidecar.ops;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Counts per repository and for the whole registry, read from the metadata database (so every
 * replica answers the same). Read-only: four grouped queries over one page of repositories,
 * four aggregates for the totals.
 */
@Singleton
public final class RepositoryStatistics {

    /** The most repositories one page holds. */
    public static final int MAX_PAGE = 1000;

    private final DataSource dataSource;

    RepositoryStatistics(DataSource dataSource) {
        this.dataSource = dataSource;
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
        try (Connection c = dataSource.getConnection()) {
            c.setReadOnly(true);
            List<String> names = names(c, after, limit + 1);
            boolean more = names.size() > limit;
            List<String> page = more ? names.subList(0, limit) : names;
            List<RepositoryCounts> counts = page.isEmpty() ? List.of() : counts(c, after, page.get(page.size() - 1), page);
            return new Page(counts, more ? Optional.of(page.get(page.size() - 1)) : Optional.empty(), totals(c));
        } catch (SQLException e) {
            throw new IllegalStateException("reading repository statistics failed: " + e.getMessage(), e);
        }
    }

    private static List<String> names(Connection c, String after, int limit) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT name FROM repositories WHERE name > ? ORDER BY name LIMIT ?")) {
            s.setString(1, after);
            s.setInt(2, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    /** The counts of the repositories in {@code (after, last]}, which are exactly {@code names}. */
    private static List<RepositoryCounts> counts(Connection c, String after, String last, List<String> names) throws SQLException {
        Map<String, long[]> byName = new LinkedHashMap<>();
        names.forEach(n -> byName.put(n, new long[5]));
        Range range = new Range(after, last);
        grouped(c, "SELECT repository, COUNT(*), COALESCE(SUM(size), 0) FROM manifests", "repository", range, byName, 0, 4);
        grouped(c, "SELECT repository, COUNT(*), 0 FROM tags", "repository", range, byName, 1, -1);
        grouped(c, "SELECT rb.repository, COUNT(*), COALESCE(SUM(b.size), 0) FROM repository_blobs rb JOIN blobs b ON b.digest = rb.digest",
                "rb.repository", range, byName, 2, 3);
        List<RepositoryCounts> counts = new ArrayList<>();
        byName.forEach((name, n) -> counts.add(new RepositoryCounts(name, n[0], n[1], n[2], n[3], n[4])));
        return counts;
    }

    private record Range(String after, String last) {
    }

    /** Runs {@code select} grouped by {@code column} over the range, storing the count and (unless -1) the sum at those slots. */
    private static void grouped(Connection c, String select, String column, Range range, Map<String, long[]> into,
            int countAt, int sumAt) throws SQLException {
        String sql = select + " WHERE " + column + " > ? AND " + column + " <= ? GROUP BY " + column;
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, range.after());
            s.setString(2, range.last());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    long[] n = into.get(rs.getString(1));
                    if (n == null) {
                        continue; // a repository created between the two reads
                    }
                    n[countAt] = rs.getLong(2);
                    if (sumAt >= 0) {
                        n[sumAt] = rs.getLong(3);
                    }
                }
            }
        }
    }

    private static Totals totals(Connection c) throws SQLException {
        long[] repositories = aggregate(c, "SELECT COUNT(*), 0 FROM repositories");
        long[] manifests = aggregate(c, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM manifests");
        long[] tags = aggregate(c, "SELECT COUNT(*), 0 FROM tags");
        long[] blobs = aggregate(c, "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM blobs");
        return new Totals(repositories[0], manifests[0], tags[0], blobs[0], blobs[1], manifests[1]);
    }

    private static long[] aggregate(Connection c, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return new long[] {rs.getLong(1), rs.getLong(2)};
        }
    }
}
