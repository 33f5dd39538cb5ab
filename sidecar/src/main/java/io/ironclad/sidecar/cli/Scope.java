package io.ironclad.sidecar.cli;

import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The blobs a command walks, as pages of one listing in key order, so a walk can stop after any
 * page and continue from its last key (list start-after).
 */
interface Scope {

    /** Names the walk; a checkpoint only resumes the walk it was written for. */
    String describe();

    /** The page after {@code startAfter} (from the start when empty). */
    Page page(Optional<String> startAfter, int limit) throws StorageException;

    /**
     * @param blobs the blobs the listed keys name, in key order
     * @param skipped listed keys that name no blob
     * @param lastKey the last listed key, where the next page starts after; empty for an empty page
     * @param more whether another page follows
     */
    record Page(List<BlobKeys.Blob> blobs, int skipped, Optional<String> lastKey, boolean more) {
    }

    /** Every blob under {@code prefix}, in either layout. */
    static Scope prefix(StorageDriver driver, String prefix) {
        return new Listing(driver, "prefix '" + prefix + "'", prefix,
                key -> BlobKeys.digestOf(key).map(digest -> new BlobKeys.Blob(key, digest)));
    }

    /** The blobs a docker-registry repository links (layers and manifest revisions), found under {@code root}. */
    static Scope dockerRepository(StorageDriver driver, String root, String repository) {
        return new Listing(driver, "docker-registry repository '" + repository + "' under '" + root + "'",
                root + BlobKeys.DOCKER_TREE + "repositories/" + repository + "/", BlobKeys::linkedBlob);
    }

    /** The given blobs, already in key order (an Ironclad repository's blobs from its database). */
    static Scope fixed(String describe, List<BlobKeys.Blob> blobs) {
        return new Fixed(describe, List.copyOf(blobs));
    }

    /** A scope over a known list of blobs in key order. */
    record Fixed(String describe, List<BlobKeys.Blob> blobs) implements Scope {

        @Override
        public Page page(Optional<String> startAfter, int limit) {
            List<BlobKeys.Blob> after = blobs.stream()
                    .filter(blob -> startAfter.isEmpty() || ObjectKey.compareUtf8(blob.key().value(), startAfter.get()) > 0)
                    .limit(limit + 1L).toList();
            List<BlobKeys.Blob> page = after.subList(0, Math.min(limit, after.size()));
            Optional<String> last = page.isEmpty() ? Optional.empty() : Optional.of(page.get(page.size() - 1).key().value());
            return new Page(page, 0, last, after.size() > limit);
        }
    }

    /** A scope over one listing whose keys map to blobs (or to nothing). */
    record Listing(StorageDriver driver, String describe, String prefix,
            Function<ObjectKey, Optional<BlobKeys.Blob>> blobOf) implements Scope {

        @Override
        public Page page(Optional<String> startAfter, int limit) throws StorageException {
            ListPage listed = driver.list(new ListRequest(prefix, startAfter, limit));
            List<BlobKeys.Blob> blobs = new ArrayList<>();
            for (ListPage.Entry entry : listed.entries()) {
                blobOf.apply(entry.key()).ifPresent(blobs::add);
            }
            Optional<String> last = listed.entries().isEmpty()
                    ? Optional.empty() : Optional.of(listed.entries().get(listed.entries().size() - 1).key().value());
            return new Page(blobs, listed.entries().size() - blobs.size(), last, listed.nextStartAfter().isPresent());
        }
    }
}
