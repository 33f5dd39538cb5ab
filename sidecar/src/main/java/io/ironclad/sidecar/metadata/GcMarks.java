package io.ironclad.sidecar.metadata;

import static io.ironclad.sidecar.metadata.Statements.exists;
import static io.ironclad.sidecar.metadata.Statements.list;
import static io.ironclad.sidecar.metadata.Statements.one;
import static io.ironclad.sidecar.metadata.Statements.update;

import io.ironclad.driver.Digest;
import io.ironclad.sidecar.metadata.Metadata.BlobRow;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What keeps the blob collector and pushes apart: the {@code collecting} mark on a blob row,
 * pushes' intents to store bytes ({@code blob_write_intents}) and collectors' claims on orphans,
 * bytes without a row ({@code blob_orphan_claims}).
 */
@Singleton
public final class GcMarks {

    private final Transactions tx;
    private final Clock clock;

    GcMarks(Transactions tx, Clock clock) {
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Candidates for collection: blobs linked to no repository and older than {@code before}, and
     * those a collector marked {@code collecting} and did not finish (it stopped or failed).
     */
    public List<BlobRow> unreferencedBlobs(Instant before, int limit) {
        return tx.transaction(h -> list(h, "SELECT digest, size, stored_key FROM blobs b WHERE (created_at < ? OR collecting) AND NOT EXISTS"
                + " (SELECT 1 FROM repository_blobs r WHERE r.digest = b.digest) ORDER BY digest", Blobs.BLOB, limit,
                before.toEpochMilli()));
    }

    /**
     * Marks an unreferenced blob {@code collecting} so that no push relies on its bytes: if it is
     * older than {@code before} and no push recorded an intent to store it since
     * {@code intentsSince}, or if it is marked already. Returns whether it is marked now.
     */
    public boolean markCollecting(Digest digest, Instant before, Instant intentsSince) {
        String d = digest.toString();
        return tx.durable(h -> update(h, "UPDATE blobs SET collecting = TRUE WHERE digest = ?"
                + " AND NOT EXISTS (SELECT 1 FROM repository_blobs r WHERE r.digest = ?)"
                + " AND NOT EXISTS (SELECT 1 FROM writeback_pending p WHERE p.digest = ?)" // its bytes are not in the store yet
                + " AND (collecting OR (created_at < ? AND NOT EXISTS"
                + " (SELECT 1 FROM blob_write_intents w WHERE w.digest = ? AND w.started_at >= ?)))",
                d, d, d, before.toEpochMilli(), d, intentsSince.toEpochMilli())) > 0;
    }

    /** Clears the mark after the collector failed to delete the bytes (they may still be there). */
    public void unmarkCollecting(Digest digest) {
        tx.durable(h -> update(h, "UPDATE blobs SET collecting = FALSE WHERE digest = ?", digest.toString()));
    }

    /** Deletes the row of a blob whose bytes the collector deleted; returns whether it did. */
    public boolean deleteCollectedBlob(Digest digest) {
        return tx.durable(h -> update(h, "DELETE FROM blobs WHERE digest = ? AND collecting", digest.toString())) > 0;
    }

    /** Records that this replica is about to store {@code digest}'s bytes; returns the intent's id. */
    public String beginBlobWrite(Digest digest) {
        String id = UUID.randomUUID().toString();
        long now = clock.millis();
        tx.durable(h -> update(h, "INSERT INTO blob_write_intents (id, digest, started_at) VALUES (?, ?, ?)", id, digest.toString(), now));
        return id;
    }

    public void endBlobWrite(String intentId) {
        tx.durable(h -> update(h, "DELETE FROM blob_write_intents WHERE id = ?", intentId));
    }

    /** Deletes intents left by replicas that died mid-push; returns how many. */
    public int deleteBlobWritesBefore(Instant before) {
        return tx.durable(h -> update(h, "DELETE FROM blob_write_intents WHERE started_at < ?", before.toEpochMilli()));
    }

    /**
     * Whether a collector is deleting {@code digest}'s bytes: its row is marked, or it has no row
     * and an orphan claim. Reads the row FOR UPDATE, so a collector's mark that is under way but
     * not committed is waited for rather than missed.
     */
    public boolean blobCollecting(Digest digest) {
        String d = digest.toString();
        return tx.transaction(h -> one(h, "SELECT collecting FROM blobs WHERE digest = ? FOR UPDATE", (rs, ctx) -> rs.getBoolean(1), d))
                .orElse(false)
                || tx.transaction(h -> exists(h, "SELECT 1 FROM blob_orphan_claims WHERE digest = ?", d));
    }

    /** Claims an orphan (bytes without a row) for collection; false if another collector holds it. */
    public boolean claimOrphan(Digest digest) {
        return tx.insertIgnoringDuplicate("INSERT INTO blob_orphan_claims (digest, claimed_at) VALUES (?, ?)", digest.toString(),
                clock.millis());
    }

    /**
     * Whether a claimed orphan may go: still no row, and no push recorded an intent to store it
     * since {@code intentsSince}. Asked after the claim is committed (see {@link #blobCollecting}).
     */
    public boolean orphanCollectable(Digest digest, Instant intentsSince) {
        String d = digest.toString();
        return !tx.transaction(h -> exists(h, "SELECT 1 FROM blobs WHERE digest = ?", d))
                && !tx.transaction(h -> exists(h, "SELECT 1 FROM writeback_pending WHERE digest = ?", d)) // being flushed into the store
                && !tx.transaction(h -> exists(h, "SELECT 1 FROM blob_write_intents WHERE digest = ? AND started_at >= ?", d,
                        intentsSince.toEpochMilli()));
    }

    public void releaseOrphan(Digest digest) {
        tx.durable(h -> update(h, "DELETE FROM blob_orphan_claims WHERE digest = ?", digest.toString()));
    }

    /** Deletes claims left by collectors that died; returns how many. */
    public int deleteOrphanClaimsBefore(Instant before) {
        return tx.durable(h -> update(h, "DELETE FROM blob_orphan_claims WHERE claimed_at < ?", before.toEpochMilli()));
    }
}
