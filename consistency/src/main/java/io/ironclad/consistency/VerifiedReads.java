package io.ironclad.consistency;

import static io.ironclad.consistency.Verification.closeQuietly;
import static io.ironclad.consistency.Verification.integrity;
import static io.ironclad.consistency.Verification.metadataProblem;
import static io.ironclad.consistency.Verification.stored;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Optional;

/**
 * The read side of a {@link DefaultConsistentStore}: stat and open under the consistency policy
 * (plain read first, freshness reads after stale metadata, misses and refused bodies), with the
 * body delivered by {@link ReadDeliveries}.
 */
final class VerifiedReads {

    private final StoreContext context;
    private final ReadDeliveries deliveries;
    private final Counter hits;
    private final Counter misses;

    VerifiedReads(StoreContext context, ReadDeliveries deliveries) {
        this.context = context;
        this.deliveries = deliveries;
        this.hits = context.events.cacheCounter(ConsistencyMeters.CACHE_HITS);
        this.misses = context.events.cacheCounter(ConsistencyMeters.CACHE_MISSES);
    }

    StoredObject stat(ObjectKey key, Expectation expected) throws StorageException {
        Attempts attempts = context.attempts("stat", key);
        while (true) {
            boolean fresh = attempts.next();
            try {
                ObjectInfo info = context.driver.stat(key, fresh ? ReadOptions.FRESH : ReadOptions.PLAIN);
                Optional<String> problem = metadataProblem(info, expected);
                if (problem.isPresent()) {
                    attempts.report(ConsistencyEvent.Kind.STALE_METADATA, problem.get());
                    attempts.failed(problem.get(), null);
                    continue;
                }
                Optional<IntegrityMetadata> integrity = integrity(info);
                if (integrity.isPresent()) {
                    attempts.succeeded();
                    return stored(info, integrity.get());
                }
                Optional<StoredObject> legacy = verifyLegacy(key, expected, info, attempts);
                if (legacy.isPresent()) {
                    attempts.succeeded();
                    return legacy.get();
                }
            } catch (ObjectNotFoundException e) {
                missed(expected, fresh, attempts, e);
            } catch (TransientStorageException e) {
                attempts.failed(e.getMessage(), e);
            }
        }
    }

    VerifiedContent open(ObjectKey key, Expectation expected, Optional<ByteRange> range) throws StorageException {
        if (expected.known()) {
            Optional<VerifiedContent> hit = deliveries.cached(key, expected, range);
            if (hit.isPresent()) {
                hits.increment();
                return hit.get();
            }
            misses.increment();
        }
        Attempts attempts = context.attempts("open", key);
        while (true) {
            boolean fresh = attempts.next();
            ObjectContent content = null;
            try {
                content = context.driver.open(key, fresh ? ReadOptions.FRESH : ReadOptions.PLAIN);
                Optional<String> problem = metadataProblem(content.info(), expected);
                if (problem.isPresent()) {
                    attempts.report(ConsistencyEvent.Kind.STALE_METADATA, problem.get());
                    closeQuietly(content);
                    attempts.failed(problem.get(), null);
                    continue;
                }
                Optional<VerifiedContent> verified = deliveries.deliver(key, expected, range, content, attempts);
                if (verified.isPresent()) {
                    attempts.succeeded();
                    return verified.get();
                }
            } catch (ObjectNotFoundException e) {
                missed(expected, fresh, attempts, e);
            } catch (TransientStorageException e) {
                closeQuietly(content);
                attempts.failed(e.getMessage(), e);
            } catch (StorageException | RuntimeException e) {
                closeQuietly(content);
                throw e;
            }
        }
    }

    /** Hashes a legacy object's body; empty when it was refused (already reported and waited for). */
    private Optional<StoredObject> verifyLegacy(ObjectKey key, Expectation expected, ObjectInfo statInfo, Attempts attempts)
            throws StorageException {
        try (ObjectContent content = context.driver.open(key, attempts.attempt() > 1 ? ReadOptions.FRESH : ReadOptions.PLAIN)) {
            if (!content.info().etag().equals(statInfo.etag())) {
                attempts.failed("object changed between stat and open", null);
                return Optional.empty();
            }
            long size = Verification.expectedSize(content.info(), expected);
            Digest digest = expected.digest();
            Hasher hasher = Hashers.fast(digest.algorithm());
            long read = Verification.copyHashing(content.body(), OutputStream.nullOutputStream(), hasher, size);
            Optional<String> problem = Verification.bodyProblem(read, size, hasher, digest);
            if (problem.isPresent()) {
                ReadDeliveries.refuse(attempts, problem.get());
                return Optional.empty();
            }
            return Optional.of(ReadDeliveries.storedFromRead(key, expected, content.info(), size, attempts));
        } catch (IOException e) {
            attempts.failed("reading body failed: " + e.getMessage(), e);
            return Optional.empty();
        }
    }

    /** A miss: unknown keys get exactly one immediate freshness read, known keys the whole budget. */
    private static void missed(Expectation expected, boolean fresh, Attempts attempts, ObjectNotFoundException e)
            throws StorageException {
        if (!expected.known()) {
            if (fresh) {
                attempts.succeeded();
                throw e;
            }
            // most misses of unknown keys are true absences (a HEAD before a push): check the
            // authoritative copy at once instead of waiting a backoff
            attempts.retryNow("not found");
            return;
        }
        attempts.failed("not found", e);
    }
}
