package io.ironclad.sidecar.registry;

import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.driver.Digest;
import io.ironclad.sidecar.metadata.Metadata.MetadataException;
import io.ironclad.sidecar.cli.importer.ImportTarget;
import io.micronaut.context.ApplicationContext;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code ironclad import}'s view of the registry: manifests go through {@link ManifestService},
 * so an imported manifest passes the validation and reference checks of a push; adopted blobs are
 * recorded by {@link Metadata#adoptBlob}. Owns the command's application context (database,
 * store, no HTTP server) and closes it.
 */
public final class RegistryImportTarget implements ImportTarget {

    private final ApplicationContext context;
    private final ManifestService manifests;
    private final Metadata metadata;

    public RegistryImportTarget(ApplicationContext context) {
        this.context = context;
        this.manifests = context.getBean(ManifestService.class);
        this.metadata = context.getBean(Metadata.class);
    }

    @Override
    public Optional<String> repositoryProblem(String repository) {
        try {
            OciGrammar.name(repository);
            return Optional.empty();
        } catch (RegistryException e) {
            return Optional.of(e.getMessage());
        }
    }

    @Override
    public int maxManifestBytes() {
        return ManifestService.MANIFEST_LIMIT;
    }

    @Override
    public boolean blobLinked(String repository, Digest digest) {
        return database(() -> metadata.blobLinked(repository, digest));
    }

    @Override
    public boolean blobKnown(Digest digest) {
        return database(() -> metadata.findBlob(digest).isPresent());
    }

    @Override
    public void linkBlob(String repository, Digest digest) {
        database(() -> {
            metadata.linkBlob(repository, digest);
            return null;
        });
    }

    @Override
    public void adoptBlob(String repository, Digest digest, long size, String storedKey) {
        database(() -> {
            metadata.adoptBlob(repository, new Metadata.BlobRow(digest, size, storedKey));
            return null;
        });
    }

    @Override
    public boolean hasManifest(String repository, Digest digest) {
        return database(() -> metadata.findManifest(repository, digest).isPresent());
    }

    @Override
    public ManifestResult putManifest(String repository, Digest digest, String mediaType, byte[] body) {
        return database(() -> {
            try {
                manifests.put(repository, digest.toString(), mediaType, body);
                return ManifestResult.STORED;
            } catch (RegistryException e) {
                ManifestResult.Kind kind = e.code() == ErrorCode.MANIFEST_BLOB_UNKNOWN
                        ? ManifestResult.Kind.MISSING_REFERENCE : ManifestResult.Kind.INVALID;
                return new ManifestResult(kind, e.getMessage());
            }
        });
    }

    @Override
    public Optional<Digest> tag(String repository, String tag) {
        return database(() -> metadata.findTag(repository, tag));
    }

    @Override
    public ManifestResult putTag(String repository, String tag, Digest digest) {
        return database(() -> {
            try {
                OciGrammar.tag(tag);
            } catch (RegistryException e) {
                return new ManifestResult(ManifestResult.Kind.INVALID, e.getMessage());
            }
            return metadata.putTag(repository, tag, digest) ? ManifestResult.STORED
                    : new ManifestResult(ManifestResult.Kind.MISSING_REFERENCE, "manifest " + digest + " is not in " + repository);
        });
    }

    @Override
    public void close() {
        context.close();
    }

    private static <T> T database(Supplier<T> work) {
        try {
            return work.get();
        } catch (MetadataException e) {
            throw new Unavailable(e.getMessage(), e);
        }
    }
}
