package io.ironclad.sidecar.lifecycle;

import static io.ironclad.sidecar.lifecycle.Sql.execute;

import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * Plans and applies the {@link RetentionSettings} rules. The plan is the dry-run report: per
 * repository, the tags kept and the tags the rules would delete. Applying deletes each planned tag
 * only if it still names the manifest it named when planned and has not been pushed again since
 * (one conditional statement per tag), so a concurrent push of that tag wins.
 */
@Singleton
public final class Retention {

    /** One tag: its name, the manifest it names, and when it was last pushed (epoch millis). */
    public record Tag(String name, String digest, long updatedAt) {
    }

    /** The rules' verdict for one repository. */
    public record RepositoryPlan(String repository, List<String> kept, List<Tag> deleted) {
        public RepositoryPlan {
            kept = List.copyOf(kept);
            deleted = List.copyOf(deleted);
        }
    }

    /** The plan for every repository with something to delete; {@code applied} says whether the tags are gone. */
    public record Report(boolean rules, boolean applied, int tagsDeleted, List<RepositoryPlan> repositories) {
        public Report {
            repositories = List.copyOf(repositories);
        }
    }

    private final Sql sql;
    private final RetentionSettings settings;

    Retention(DataSource dataSource, RetentionSettings settings) {
        this.sql = new Sql(dataSource);
        this.settings = settings;
    }

    /** What the rules would delete (nothing changes). */
    public Report plan() {
        return new Report(settings.hasRules(), false, 0, settings.hasRules() ? plans() : List.of());
    }

    /** Deletes what {@link #plan} lists; returns the plan with how many tags were deleted. */
    public Report apply() {
        if (!settings.hasRules()) {
            return plan();
        }
        List<RepositoryPlan> plans = plans();
        int deleted = 0;
        for (RepositoryPlan plan : plans) {
            for (Tag tag : plan.deleted()) {
                deleted += sql.transaction(c -> execute(c, "DELETE FROM tags WHERE repository = ? AND name = ? AND digest = ? AND updated_at = ?",
                        plan.repository(), tag.name(), tag.digest(), tag.updatedAt()));
            }
        }
        return new Report(true, true, deleted, plans);
    }

    private List<RepositoryPlan> plans() {
        Map<String, List<Tag>> byRepository = new LinkedHashMap<>();
        // newest first within each repository; the name breaks ties so the plan is the same every time
        for (Map.Entry<String, Tag> row : sql.query("SELECT repository, name, digest, updated_at FROM tags"
                        + " ORDER BY repository, updated_at DESC, name",
                rs -> Map.entry(rs.getString(1), new Tag(rs.getString(2), rs.getString(3), rs.getLong(4))), Integer.MAX_VALUE)) {
            byRepository.computeIfAbsent(row.getKey(), r -> new ArrayList<>()).add(row.getValue());
        }
        List<RepositoryPlan> plans = new ArrayList<>();
        byRepository.forEach((repository, tags) -> {
            List<String> kept = new ArrayList<>();
            List<Tag> deleted = new ArrayList<>();
            int recent = settings.last().orElse(0);
            for (int i = 0; i < tags.size(); i++) {
                Tag tag = tags.get(i);
                if (i < recent || settings.matchesPattern(tag.name())) {
                    kept.add(tag.name());
                } else {
                    deleted.add(tag);
                }
            }
            if (!deleted.isEmpty()) {
                plans.add(new RepositoryPlan(repository, kept, deleted));
            }
        });
        return plans;
    }
}
