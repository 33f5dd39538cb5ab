package io.ironclad.chaos;

/** The registry operations the workload performs, one recorded {@link OpRecord} each. */
enum OpKind {
    /** {@code HEAD /v2/<repo>/blobs/<digest>} before a push, as real clients do. */
    BLOB_HEAD,
    /** One whole blob push: POST, one PATCH per chunk, PUT {@code ?digest=}. */
    BLOB_PUSH,
    /** {@code PUT /v2/<repo>/manifests/<tag>}. */
    MANIFEST_PUT,
    /** {@code GET /v2/<repo>/manifests/<tag>}, checked against the client's last acknowledged push of that tag. */
    MANIFEST_GET,
    /** {@code GET /v2/<repo>/blobs/<digest>}, hashed while received. */
    BLOB_GET
}
