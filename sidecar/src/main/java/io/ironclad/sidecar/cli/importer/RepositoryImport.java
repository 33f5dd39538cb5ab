package io.ironclad.sidecar.cli.importer;

import io.ironclad.consistency.Hasher;
import io.ironclad.consistency.Hashers;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.cli.BlobCheck;
import io.ironclad.sidecar.cli.BlobKeys;
import io.ironclad.sidecar.cli.Outcome;
import io.ironclad.sidecar.cli.Progress;
import io.ironclad.sidecar.cli.Tally;
import io.ironclad.sidecar.cli.importer.ImportCounts.Counter;
import io.ironclad.sidecar.cli.importer.ImportCounts.NotImported;
import io.ironclad.sidecar.cli.importer.ImportTarget.ManifestResult;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Imports one distribution repository: its blobs (each hashed as it streams unless the database
 * already knows it; corrupt ones are left out), then its manifests (read from the blobs, hashed,
 * stored with the rules of a push, so one that depends on a left-out blob or manifest is left out
 * too), then its tags. Reads only; every write goes to the {@link ImportTarget}.
 */
final class RepositoryImport {

    private static final int MAX_LINK_BYTES = 1024;

    private final StorageDriver driver;
    private final ImportTarget target;
    private final ExecutorService pool;
    private final ReadOptions reads;
    private final Tally tally;
    private final ImportCounts counts;
    private final Progress progress;
    /** Blobs found bad in this run, with why, so a blob several repositories link is hashed once. */
    private final Map<Digest, String> badBlobs = new ConcurrentHashMap<>();

    RepositoryImport(StorageDriver driver, ImportTarget target, ExecutorService pool, ReadOptions reads, Tally tally,
            ImportCounts counts, Progress progress) {
        this.driver = driver;
        this.target = target;
        this.pool = pool;
        this.reads = reads;
        this.tally = tally;
        this.counts = counts;
        this.progress = progress;
    }

    void run(RepositoryLinks repository) {
        counts.add(Counter.REPOSITORIES);
        Optional<String> refused = target.repositoryProblem(repository.name());
        if (refused.isPresent()) {
            repository.revisions().forEach(m -> counts.notImported(Counter.MANIFESTS_NOT_IMPORTED,
                    new NotImported(repository.name(), m.digest().toString(), refused.get())));
            repository.tags().keySet().forEach(tag -> counts.notImported(Counter.TAGS_NOT_IMPORTED,
                    new NotImported(repository.name(), tag, refused.get())));
            return;
        }
        blobs(repository);
        manifests(repository);
        tags(repository);
    }

    // ------------------------------------------------------------------ blobs

    private void blobs(RepositoryLinks repository) {
        List<Future<?>> running = new ArrayList<>();
        for (BlobKeys.Blob blob : repository.layers()) {
            running.add(pool.submit(() -> adopt(repository.name(), blob)));
        }
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime; // the database failed: the import stops and can be resumed
                }
                throw new IllegalStateException("importing a blob failed unexpectedly", e.getCause());
            }
        }
    }

    private void adopt(String repository, BlobKeys.Blob blob) {
        Digest digest = blob.digest();
        if (target.blobLinked(repository, digest)) {
            counts.add(Counter.BLOBS_ALREADY_IMPORTED);
            return;
        }
        if (target.blobKnown(digest)) {
            target.linkBlob(repository, digest);
            counts.add(Counter.BLOBS_LINKED);
            return;
        }
        String knownBad = badBlobs.get(digest);
        if (knownBad != null) {
            counts.notImported(Counter.BLOBS_NOT_IMPORTED, new NotImported(repository, digest.toString(), knownBad));
            return;
        }
        Optional<BlobCheck> check = check(repository, blob);
        Outcome outcome = check.map(BlobCheck::outcome).orElse(Outcome.ERROR);
        if (outcome == Outcome.OK || outcome == Outcome.MISSING_METADATA) {
            target.adoptBlob(repository, digest, check.get().bytes(), blob.key().value());
            counts.add(Counter.BLOBS_ADOPTED);
        } else if (check.isPresent()) {
            String reason = outcome.jsonName() + ": " + check.get().detail();
            badBlobs.put(digest, reason);
            tally.problem(new Tally.Problem(blob.key().value(), digest.toString(), outcome, check.get().detail()));
            counts.notImported(Counter.BLOBS_NOT_IMPORTED, new NotImported(repository, digest.toString(), reason));
        }
        progress.update(tally, false);
    }

    /**
     * Hashes the blob as it streams; content that does not match is read once more with a
     * freshness read (a stale replica or segment listing is not corruption). Empty when it could
     * not be read at all (recorded as an error).
     */
    private Optional<BlobCheck> check(String repository, BlobKeys.Blob blob) {
        try {
            BlobCheck check = BlobCheck.run(driver, blob, reads);
            if (check.outcome() == Outcome.CORRUPT && !reads.fresh()) {
                check = BlobCheck.run(driver, blob, ReadOptions.FRESH);
            }
            tally.record(check.outcome(), check.bytes());
            return Optional.of(check);
        } catch (StorageException | IOException e) {
            String detail = e.getMessage() == null ? e.toString() : e.getMessage();
            tally.record(Outcome.ERROR, 0);
            tally.problem(new Tally.Problem(blob.key().value(), blob.digest().toString(), Outcome.ERROR, detail));
            counts.notImported(Counter.BLOBS_NOT_IMPORTED, new NotImported(repository, blob.digest().toString(), "error: " + detail));
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------ manifests

    private void manifests(RepositoryLinks repository) {
        List<ManifestCandidate> pending = new ArrayList<>();
        for (BlobKeys.Blob revision : repository.revisions()) {
            if (target.hasManifest(repository.name(), revision.digest())) {
                counts.add(Counter.MANIFESTS_ALREADY_IMPORTED);
            } else {
                read(repository.name(), revision).ifPresent(pending::add);
            }
        }
        // image manifests first, then indexes as their children arrive (an index may list indexes)
        pending.sort(Comparator.comparing(ManifestCandidate::index));
        boolean stored = true;
        while (stored && !pending.isEmpty()) {
            stored = false;
            for (ManifestCandidate candidate : List.copyOf(pending)) {
                ManifestResult result = target.putManifest(repository.name(), candidate.digest(), candidate.mediaType(), candidate.body());
                if (result.kind() == ManifestResult.Kind.MISSING_REFERENCE) {
                    continue;
                }
                pending.remove(candidate);
                if (result.kind() == ManifestResult.Kind.STORED) {
                    counts.add(Counter.MANIFESTS_IMPORTED);
                    stored = true;
                } else {
                    counts.notImported(Counter.MANIFESTS_NOT_IMPORTED,
                            new NotImported(repository.name(), candidate.digest().toString(), "refused: " + result.detail()));
                }
            }
        }
        for (ManifestCandidate left : pending) {
            counts.notImported(Counter.MANIFESTS_NOT_IMPORTED,
                    new NotImported(repository.name(), left.digest().toString(), missingReason(repository.name(), left)));
        }
    }

    /** The manifest's bytes if they hash to its digest; otherwise recorded as a problem and empty. */
    private Optional<ManifestCandidate> read(String repository, BlobKeys.Blob revision) {
        int limit = target.maxManifestBytes();
        try (ObjectContent content = driver.open(revision.key(), reads)) {
            byte[] body = content.body().readNBytes(limit + 1);
            if (body.length > limit) {
                return bad(repository, revision, Outcome.ERROR, body.length, "larger than the manifest limit of " + limit + " bytes");
            }
            Hasher hasher = Hashers.fast(revision.digest().algorithm());
            hasher.update(body, 0, body.length);
            Digest actual = hasher.digest();
            if (!actual.equals(revision.digest())) {
                return bad(repository, revision, Outcome.CORRUPT, body.length, "content hashes to " + actual + " (" + body.length + " bytes)");
            }
            tally.record(Outcome.MISSING_METADATA, body.length);
            return Optional.of(ManifestCandidate.of(revision.digest(), body));
        } catch (StorageException | IOException e) {
            return bad(repository, revision, Outcome.ERROR, 0, e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private Optional<ManifestCandidate> bad(String repository, BlobKeys.Blob revision, Outcome outcome, long bytes, String detail) {
        tally.record(outcome, bytes);
        tally.problem(new Tally.Problem(revision.key().value(), revision.digest().toString(), outcome, detail));
        counts.notImported(Counter.MANIFESTS_NOT_IMPORTED,
                new NotImported(repository, revision.digest().toString(), outcome.jsonName() + ": " + detail));
        return Optional.empty();
    }

    /** Why a manifest's references are not all in the repository: the first one left out, and why that was. */
    private String missingReason(String repository, ManifestCandidate manifest) {
        for (Digest reference : manifest.references()) {
            boolean present = manifest.index() ? target.hasManifest(repository, reference) : target.blobLinked(repository, reference);
            if (!present) {
                String why = badBlobs.getOrDefault(reference, manifest.index() ? "not imported" : "not in the repository's _layers");
                return "depends on " + reference + " (" + why + ")";
            }
        }
        return "depends on a manifest or blob that was not imported";
    }

    // ------------------------------------------------------------------ tags

    private void tags(RepositoryLinks repository) {
        Map<String, Digest> current = new HashMap<>();
        repository.tags().forEach((tag, link) -> readLink(repository.name(), tag, link).ifPresent(d -> current.put(tag, d)));
        current.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(tag -> {
            String name = repository.name();
            if (!target.hasManifest(name, tag.getValue())) {
                counts.notImported(Counter.TAGS_NOT_IMPORTED, new NotImported(name, tag.getKey(),
                        "names " + tag.getValue() + ", which was not imported"));
            } else if (target.tag(name, tag.getKey()).equals(Optional.of(tag.getValue()))) {
                counts.add(Counter.TAGS_ALREADY_IMPORTED);
            } else {
                ManifestResult result = target.putTag(name, tag.getKey(), tag.getValue());
                if (result.kind() == ManifestResult.Kind.STORED) {
                    counts.add(Counter.TAGS_IMPORTED);
                } else {
                    counts.notImported(Counter.TAGS_NOT_IMPORTED, new NotImported(name, tag.getKey(), "refused: " + result.detail()));
                }
            }
        });
    }

    /** The digest a tag's {@code current/link} holds, read fresh: it is the one link distribution overwrites. */
    private Optional<Digest> readLink(String repository, String tag, ObjectKey link) {
        try (ObjectContent content = driver.open(link, ReadOptions.FRESH)) {
            Optional<Digest> digest = DistributionTree.linkTarget(content.body().readNBytes(MAX_LINK_BYTES));
            if (digest.isEmpty()) {
                counts.notImported(Counter.TAGS_NOT_IMPORTED, new NotImported(repository, tag, link.value() + " holds no digest"));
            }
            return digest;
        } catch (StorageException | IOException e) {
            counts.notImported(Counter.TAGS_NOT_IMPORTED, new NotImported(repository, tag, "cannot read " + link.value() + ": " + e.getMessage()));
            return Optional.empty();
        }
    }
}
