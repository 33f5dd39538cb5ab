/**
 * The metadata layer: the registry's strongly consistent state in the metadata database (H2 or
 * PostgreSQL), and the only sidecar package that touches SQL ({@code LayeringTest} checks it).
 * One repository per table group, each a bean over {@link io.ironclad.sidecar.metadata.Transactions}:
 * {@link io.ironclad.sidecar.metadata.Blobs} (blobs, repositories, links),
 * {@link io.ironclad.sidecar.metadata.GcMarks} (collection marks, write intents, orphan claims),
 * {@link io.ironclad.sidecar.metadata.Manifests} (manifests and their references),
 * {@link io.ironclad.sidecar.metadata.Tags}, {@link io.ironclad.sidecar.metadata.UploadSessions},
 * {@link io.ironclad.sidecar.metadata.Events} (consistency events),
 * {@link io.ironclad.sidecar.metadata.Reachability} (reachability GC and repository deletion),
 * {@link io.ironclad.sidecar.metadata.NotificationOutbox},
 * {@link io.ironclad.sidecar.metadata.RepositoryStatistics},
 * {@link io.ironclad.sidecar.metadata.WritebackPending} (write-back's pending blobs and the upload
 * sessions held on a replica's disk), and the pull-through cache's
 * {@link io.ironclad.sidecar.metadata.ProxyTags} and {@link io.ironclad.sidecar.metadata.ProxyImages};
 * {@link io.ironclad.sidecar.metadata.Metadata}
 * is a thin facade over the first six for callers spanning several groups.
 *
 * <h2>Why Jdbi and not Micronaut Data JDBC</h2>
 * Jdbi 3 (jdbi3-core, no SQL objects, no annotation processing) maps rows and runs transactions
 * while the SQL stays written out as it runs, and that SQL is hand-tuned for H2 and PostgreSQL
 * alike: row locks taken FOR UPDATE in digest order to serialise pushes against the collectors,
 * upserts as UPDATE-then-INSERT that treat a unique violation as success, bounded batch deletes,
 * {@code GREATEST}, IN lists of variable length. Micronaut Data JDBC would keep most of it as
 * {@code @Query} strings anyway, and its {@code @Transactional} boundary sits where the
 * durability rule cannot reach: on H2 each write transaction must be followed by
 * {@code CHECKPOINT SYNC} on the same connection after its commit ({@link io.ironclad.sidecar.metadata.DurableCommits}),
 * and a duplicate insert runs in auto-commit and is synced too; with Jdbi's handle both are two
 * lines in {@link io.ironclad.sidecar.metadata.Transactions}. Jdbi also needs nothing but a
 * {@code DataSource}: the operator CLI's direct mode does start a Micronaut context (so either
 * library would run there), but the repositories are plain beans a test can build on any
 * {@code DataSource}, and no compile-time repository generation is added to the build.
 * Version 3.55.0: the advisories known for Jdbi concern jdbi3-freemarker (GHSA-mggx-p7jf-jgw4,
 * fixed in 3.53.0; not used here) and its test-scope PostgreSQL driver (CVE-2026-42198, updated
 * in 3.54.0); jdbi3-core's runtime dependencies are slf4j-api and geantyref only.
 */
package io.ironclad.sidecar.metadata;
