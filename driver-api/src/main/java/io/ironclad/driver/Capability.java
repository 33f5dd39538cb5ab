package io.ironclad.driver;

/** A consistency guarantee or optional feature a backend may have. */
public enum Capability {
    /** A read right after a successful put returns the new object (never older, never missing). */
    READ_AFTER_WRITE,
    /** A listing right after a put or delete reflects it. */
    LIST_AFTER_WRITE,
    /** {@link PutOptions#createOnly()} is enforced atomically by the backend. */
    CONDITIONAL_CREATE,
    /** {@link ReadOptions#fresh()} reads consult the authoritative copy (e.g. Swift X-Newest). */
    FRESHNESS_READ,
    /** {@link StorageDriver#copy} copies inside the backend without streaming through us. */
    SERVER_SIDE_COPY,
    /** {@link ReadOptions#range()} is served by the backend, not by skipping bytes locally. */
    RANGED_READ,
    /** {@link StorageDriver#updateMetadata} replaces an object's user metadata in place, guarded by its etag. */
    METADATA_UPDATE
}
