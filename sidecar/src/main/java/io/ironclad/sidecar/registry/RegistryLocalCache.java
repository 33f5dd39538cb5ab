package io.ironclad.sidecar.registry;

import io.ironclad.sidecar.coordination.Coordination;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.consistency.ConsistentStore;
import io.ironclad.consistency.Expectation;
import io.ironclad.consistency.StoredObject;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import io.ironclad.sidecar.metadata.Metadata.BlobRow;
import io.ironclad.sidecar.metadata.Metadata.ManifestRow;
import io.ironclad.sidecar.proxy.LocalCache;
import jakarta.inject.Singleton;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.Optional;

/**
 * The registry's store and metadata as the pull-through cache fills them: blobs go through the
 * verified store and the write guard exactly as a push's do; manifests are validated like a
 * pushed manifest but their references are fetched when asked for.
 */
@Singleton
final class RegistryLocalCache implements LocalCache {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryLocalCache.class);

    private final ConsistentStore store;
    private final Metadata metadata;
    private final Coordination coordination;
    private final BlobWriteGuard writeGuard;
    private final ManifestValidator validator;

    RegistryLocalCache(ConsistentStore store, Metadata metadata, Coordination coordination, BlobWriteGuard writeGuard,
            com.fasterxml.jackson.databind.ObjectMapper json) {
        this.store = store;
        this.metadata = metadata;
        this.coordination = coordination;
        this.writeGuard = writeGuard;
        this.validator = new ManifestValidator(json);
    }

    @Override
    public boolean hasBlob(String repository, Digest digest) {
        return metadata.findLinkedBlob(repository, digest).isPresent();
    }

    @Override
    public boolean linkIfStored(String repository, Digest digest) {
        if (metadata.findBlob(digest).isEmpty()) {
            return false;
        }
        metadata.ensureRepository(repository);
        metadata.linkBlob(repository, digest);
        return true;
    }

    /** The caller holds {@link #lockForWrite} on the digest. */
    @Override
    public void storeBlob(String repository, Digest digest, Payload body) throws StorageException {
        ObjectKey key = BlobLayout.key(digest);
        try (BlobWriteGuard.Intent intent = writeGuard.begin(digest)) {
            StoredObject stored = store.put(key, Expectation.of(digest, body.size()), body);
            metadata.recordBlob(repository, new BlobRow(digest, stored.size(), key.value()));
        }
    }

    @Override
    public boolean hasManifest(String repository, Digest digest) {
        return metadata.findManifest(repository, digest).isPresent();
    }

    @Override
    public void storeManifest(String repository, Digest digest, String mediaType, byte[] body) {
        ManifestValidator.ValidatedManifest manifest = validator.validate(mediaType, body);
        List<Digest> references = manifest.references();
        metadata.cacheManifest(new ManifestRow(repository, digest, manifest.mediaType(), body, manifest.subject(), manifest.artifactType()),
                manifest.isIndex() ? List.of() : references, manifest.isIndex() ? references : List.of());
    }

    @Override
    public Optional<Digest> tag(String repository, String tag) {
        return metadata.findTag(repository, tag);
    }

    @Override
    public void putTag(String repository, String tag, Digest digest) {
        if (!metadata.putTag(repository, tag, digest)) {
            // collected between the fetch and the tag: the next request for the tag fetches it again
            LOG.debug("cached manifest {} of {} is gone; tag {} not set", digest, repository, tag);
        }
    }

    @Override
    public void deleteTag(String repository, String tag) {
        metadata.deleteTag(repository, tag);
    }

    @Override
    public void evictManifest(String repository, Digest digest) {
        metadata.deleteManifest(repository, digest);
    }

    @Override
    public Lock lockForWrite(Digest digest) {
        Coordination.DigestLock lock = coordination.lockForWrite(digest);
        return lock::close;
    }
}
