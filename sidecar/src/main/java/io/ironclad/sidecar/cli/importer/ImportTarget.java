package io.ironclad.sidecar.cli.importer;

import io.ironclad.driver.Digest;
import java.util.Optional;

/**
 * The registry database an import fills, with the rules of a push: a manifest is accepted only
 * when it is valid and everything it references is in the repository. Every method is idempotent
 * (doing it again changes nothing). Failures of the database itself are thrown as
 * {@link Unavailable}.
 */
public interface ImportTarget extends AutoCloseable {

    /** Why the registry would refuse {@code repository} as a name (the OCI name grammar), or empty when it takes it. */
    Optional<String> repositoryProblem(String repository);

    /** The largest manifest the registry accepts, in bytes. */
    int maxManifestBytes();

    /** Whether {@code repository} links the blob. */
    boolean blobLinked(String repository, Digest digest);

    /** Whether the database knows the blob at all (in any repository, at any key). */
    boolean blobKnown(Digest digest);

    /** Links a blob the database already knows into {@code repository}. */
    void linkBlob(String repository, Digest digest);

    /**
     * Records a blob whose bytes were verified at {@code storedKey} of the adopted store and links
     * it into {@code repository}. The bytes stay where they are, are served as a legacy object
     * (hashed on read) until backfilled, and are never deleted by the collector.
     */
    void adoptBlob(String repository, Digest digest, long size, String storedKey);

    /** Whether {@code repository} holds the manifest. */
    boolean hasManifest(String repository, Digest digest);

    /**
     * Stores a manifest, whose bytes hash to {@code digest}, in {@code repository}, untagged.
     *
     * @param mediaType the manifest's media type (its {@code mediaType} field or what its shape says)
     */
    ManifestResult putManifest(String repository, Digest digest, String mediaType, byte[] body);

    /** The manifest {@code tag} names in {@code repository}. */
    Optional<Digest> tag(String repository, String tag);

    /** Points {@code tag} at a manifest {@code repository} holds; a tag the grammar refuses is {@link ManifestResult.Kind#INVALID}. */
    ManifestResult putTag(String repository, String tag, Digest digest);

    @Override
    void close();

    /**
     * @param kind what happened
     * @param detail why, when it was not stored
     */
    record ManifestResult(Kind kind, String detail) {

        public static final ManifestResult STORED = new ManifestResult(Kind.STORED, "");

        /** What became of a manifest or tag. */
        public enum Kind {
            STORED,
            /** References a blob or manifest the repository does not hold (yet). */
            MISSING_REFERENCE,
            /** Refused by the registry's validation (e.g. a Docker schema 1 manifest, a bad name). */
            INVALID
        }
    }

    /** The database could not be reached or refused a write; the import stops and can be resumed. */
    final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
