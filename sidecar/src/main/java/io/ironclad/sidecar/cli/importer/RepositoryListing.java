package io.ironclad.sidecar.cli.importer;

import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.cli.BlobKeys;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Lists distribution's repositories tree page by page in key order and hands over one
 * {@link RepositoryLinks} at a time, each once all its keys are listed (a repository's keys are
 * contiguous, see {@link DistributionTree}). Memory holds one repository's links, never the store.
 */
final class RepositoryListing {

    /** What is done with each repository, in listing order. */
    @FunctionalInterface
    interface Visitor {
        void visit(RepositoryLinks repository) throws StorageException;
    }

    private final StorageDriver driver;
    private final String root;
    private final int pageSize;

    RepositoryListing(StorageDriver driver, String root, int pageSize) {
        this.driver = driver;
        this.root = root;
        this.pageSize = pageSize;
    }

    /** Visits every repository whose keys come after {@code startAfter}; returns how many keys were listed. */
    long forEach(Optional<String> startAfter, Visitor visitor) throws StorageException {
        ListRequest request = new ListRequest(root + DistributionTree.REPOSITORIES, startAfter, pageSize);
        Builder current = null;
        long listed = 0;
        while (true) {
            ListPage page = driver.list(request);
            for (ListPage.Entry listedEntry : page.entries()) {
                listed++;
                Optional<DistributionTree.Entry> entry = DistributionTree.parse(root, listedEntry.key());
                if (entry.isEmpty()) {
                    continue;
                }
                if (current != null && !current.name.equals(entry.get().repository())) {
                    visitor.visit(current.build());
                    current = null;
                }
                if (current == null) {
                    current = new Builder(entry.get().repository());
                }
                current.add(entry.get());
            }
            if (page.nextStartAfter().isEmpty()) {
                if (current != null) {
                    visitor.visit(current.build());
                }
                return listed;
            }
            request = request.withStartAfter(page.nextStartAfter().get());
        }
    }

    private static final class Builder {
        private final String name;
        private final List<BlobKeys.Blob> layers = new ArrayList<>();
        private final List<BlobKeys.Blob> revisions = new ArrayList<>();
        private final TreeMap<String, ObjectKey> tags = new TreeMap<>();
        private String lastKey;

        Builder(String name) {
            this.name = name;
        }

        void add(DistributionTree.Entry entry) {
            lastKey = entry.key().value();
            switch (entry.kind()) {
                case LAYER -> layers.add(entry.blob().orElseThrow());
                case REVISION -> revisions.add(entry.blob().orElseThrow());
                case TAG -> tags.put(entry.tag().orElseThrow(), entry.key());
                case OTHER -> { }
            }
        }

        RepositoryLinks build() {
            return new RepositoryLinks(name, layers, revisions, tags, lastKey);
        }
    }
}
