package io.ironclad.sidecar.lifecycle;

import io.ironclad.sidecar.metadata.Tags;
import io.ironclad.sidecar.metadata.Tags.TagRow;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

    private final Tags tags;
    private final RetentionSettings settings;

    Retention(Tags tags, RetentionSettings settings) {
        this.tags = tags;
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
                deleted += tags.deleteIfUnchanged(new TagRow(plan.repository(), tag.name(), tag.digest(), tag.updatedAt()));
            }
        }
        return new Report(true, true, deleted, plans);
    }

    private List<RepositoryPlan> plans() {
        Map<String, List<Tag>> byRepository = new LinkedHashMap<>();
        // newest first within each repository; the name breaks ties so the plan is the same every time
        for (TagRow row : tags.allNewestFirst()) {
            byRepository.computeIfAbsent(row.repository(), r -> new ArrayList<>()).add(new Tag(row.name(), row.digest(), row.updatedAt()));
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
