package io.ironclad.sidecar.writeback;

import io.ironclad.consistency.Hasher;
import io.ironclad.consistency.Hashers;
import io.ironclad.consistency.StoredObject;
import io.ironclad.consistency.VerifiedContent;
import io.ironclad.driver.BoundedInputStream;
import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Digest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.ironclad.sidecar.metadata.WritebackPending;
import io.ironclad.sidecar.metadata.WritebackPending.PendingBlob;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads of a pending blob. The owner serves its local copy after hashing it (a copy that no longer
 * verifies is refused, never served). Another replica reads it from the owner's advertised address,
 * verifying a whole body as it passes ({@link VerifyingStream}); an owner it cannot reach is a 503
 * the client retries, never a 404.
 */
@Singleton
final class PendingReads {

    private static final Logger LOG = LoggerFactory.getLogger(PendingReads.class);

    private final WritebackHome home;
    private final WritebackPending rows;
    private final WritebackSettings settings;
    private final HttpClient http;

    PendingReads(WritebackHome home, WritebackPending rows, WritebackSettings settings) {
        this.home = home;
        this.rows = rows;
        this.settings = settings;
        this.http = HttpClient.newBuilder().connectTimeout(settings.proxyTimeout()).version(HttpClient.Version.HTTP_1_1).build();
    }

    /** The verified content, or empty when the blob stopped being pending meanwhile (the store has it now). */
    Optional<VerifiedContent> open(PendingBlob blob, Optional<ByteRange> range, ReadContext context) throws StorageException {
        if (blob.owner().equals(home.owner())) {
            return openLocal(blob, range);
        }
        if (context.proxied()) {
            throw unavailable(blob, "it is pending on another replica, and this proxied read is not passed on again");
        }
        return Optional.of(proxy(blob, range, context));
    }

    private Optional<VerifiedContent> openLocal(PendingBlob blob, Optional<ByteRange> range) throws StorageException {
        Optional<Path> file = home.area().find(blob.digest());
        if (file.isEmpty()) {
            if (rows.find(blob.digest()).isEmpty()) {
                return Optional.empty(); // flushed between the lookup and now
            }
            LOG.error("{} is pending on this replica but its local copy is missing", blob.digest());
            throw unavailable(blob, "its local copy is missing");
        }
        try {
            Hasher hasher = Hashers.fast(blob.digest().algorithm());
            long count;
            try (InputStream in = Files.newInputStream(file.get())) {
                count = VerifyingStream.drain(in, hasher);
            }
            Digest actual = hasher.digest();
            if (count != blob.size() || !actual.equals(blob.digest())) {
                LOG.error("the local copy of pending {} hashes to {} over {} bytes: refused", blob.digest(), actual, count);
                throw unavailable(blob, "its local copy does not verify");
            }
            InputStream body = Files.newInputStream(file.get());
            if (range.isPresent()) {
                body.skipNBytes(range.get().first());
                body = new BoundedInputStream(body, range.get().length(), "local copy");
            }
            return Optional.of(new VerifiedContent(stored(blob), range, body, true));
        } catch (IOException e) {
            throw new TransientStorageException(Writeback.LOCAL_DRIVER, key(blob), "reading the local copy failed: " + e.getMessage(), e);
        }
    }

    private VerifiedContent proxy(PendingBlob blob, Optional<ByteRange> range, ReadContext context) throws StorageException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(blob.ownerUrl() + "/v2/" + context.repository() + "/blobs/" + blob.digest()))
                .timeout(settings.proxyTimeout()).header(ReadContext.PROXIED_HEADER, "1");
        context.authorization().ifPresent(a -> request.header("Authorization", a));
        range.ifPresent(r -> request.header("Range", "bytes=" + r.first() + "-" + r.last()));
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw unavailable(blob, "its owner at " + blob.ownerUrl() + " is unreachable (" + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(blob, "interrupted while reading it from its owner");
        }
        int expected = range.isPresent() ? 206 : 200;
        if (response.statusCode() != expected) {
            closeQuietly(response.body());
            throw unavailable(blob, "its owner at " + blob.ownerUrl() + " answered " + response.statusCode());
        }
        long length = range.map(ByteRange::length).orElse(blob.size());
        InputStream body = range.isPresent()
                ? new BoundedInputStream(response.body(), length, "proxied range") // the owner verified the whole copy before the range
                : new VerifyingStream(response.body(), Hashers.fast(blob.digest().algorithm()), blob.digest(), blob.size());
        return new VerifiedContent(stored(blob), range, body, false);
    }

    private static StoredObject stored(PendingBlob blob) {
        return new StoredObject(key(blob), blob.digest(), blob.size(), "writeback", blob.created(), false);
    }

    private static ObjectKey key(PendingBlob blob) {
        return ObjectKey.of(blob.storedKey());
    }

    private static TransientStorageException unavailable(PendingBlob blob, String why) {
        return new TransientStorageException(Writeback.LOCAL_DRIVER, key(blob), "pending blob " + blob.digest() + " cannot be read now: " + why);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // the answer was refused already
        }
    }
}
