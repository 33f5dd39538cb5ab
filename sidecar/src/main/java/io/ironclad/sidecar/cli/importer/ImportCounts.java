package io.ironclad.sidecar.cli.importer;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an import did besides hashing objects (those are in the walk's tally): repositories,
 * blobs, manifests and tags by what became of them, kept in the checkpoint so a resumed import
 * reports the whole store; and the manifests and tags it did not import, with why (this run's,
 * the first {@value #MAX_NOT_IMPORTED}). Thread safe.
 */
final class ImportCounts {

    static final int MAX_NOT_IMPORTED = 10_000;

    /** The counters, named as in the JSON summary. */
    enum Counter {
        REPOSITORIES("repositories"),
        BLOBS_ADOPTED("blobsAdopted"),
        BLOBS_LINKED("blobsLinked"),
        BLOBS_ALREADY_IMPORTED("blobsAlreadyImported"),
        BLOBS_NOT_IMPORTED("blobsNotImported"),
        MANIFESTS_IMPORTED("manifestsImported"),
        MANIFESTS_ALREADY_IMPORTED("manifestsAlreadyImported"),
        MANIFESTS_NOT_IMPORTED("manifestsNotImported"),
        TAGS_IMPORTED("tagsImported"),
        TAGS_ALREADY_IMPORTED("tagsAlreadyImported"),
        TAGS_NOT_IMPORTED("tagsNotImported");

        final String json;

        Counter(String json) {
            this.json = json;
        }
    }

    /**
     * A manifest or tag left out, or a blob that made images be left out.
     *
     * @param repository where
     * @param reference the digest or tag
     * @param reason why, e.g. the corrupt blob it depends on
     */
    record NotImported(String repository, String reference, String reason) {
    }

    private final EnumMap<Counter, Long> counts = new EnumMap<>(Counter.class);
    private final List<NotImported> notImported = new ArrayList<>();

    ImportCounts(Map<String, Long> stored) {
        for (Counter counter : Counter.values()) {
            counts.put(counter, stored.getOrDefault(counter.json, 0L));
        }
    }

    synchronized void add(Counter counter) {
        counts.merge(counter, 1L, Long::sum);
    }

    synchronized long get(Counter counter) {
        return counts.get(counter);
    }

    synchronized void notImported(Counter counter, NotImported what) {
        add(counter);
        if (notImported.size() < MAX_NOT_IMPORTED) {
            notImported.add(what);
        }
    }

    synchronized List<NotImported> notImported() {
        return List.copyOf(notImported);
    }

    /** The counters by JSON name, for the checkpoint and the summary. */
    synchronized Map<String, Long> toMap() {
        Map<String, Long> map = new LinkedHashMap<>();
        counts.forEach((counter, count) -> map.put(counter.json, count));
        return map;
    }
}
