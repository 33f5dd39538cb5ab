package io.ironclad.sidecar.cli.importer;

import io.ironclad.driver.ObjectKey;
import io.ironclad.sidecar.cli.BlobKeys;
import java.util.List;
import java.util.Map;

/**
 * One distribution repository as its link files describe it.
 *
 * @param name the repository's name
 * @param layers the blobs its {@code _layers} links name (data keys and digests)
 * @param revisions the manifests its {@code _manifests/revisions} links name
 * @param tags each tag and the key of its {@code current/link}, in tag order
 * @param lastKey the repository's last listed key: a resumed import continues after it
 */
record RepositoryLinks(String name, List<BlobKeys.Blob> layers, List<BlobKeys.Blob> revisions, Map<String, ObjectKey> tags,
        String lastKey) {

    RepositoryLinks {
        layers = List.copyOf(layers);
        revisions = List.copyOf(revisions);
        tags = Map.copyOf(tags);
    }
}
