package io.ironclad.sidecar.cli;

import io.ironclad.driver.Capability;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Moves a corrupt blob to {@code quarantine/<its key>}: a server-side copy (a streamed one where
 * the backend has none), then the copy is hashed, and the original is deleted only when the copy
 * holds exactly the bytes that were judged and the original is still that version. Otherwise the
 * original stays where it was.
 */
final class Quarantine {

    static final String REASON = "ironclad-quarantine-reason";
    private static final Pattern METADATA_KEY = Pattern.compile("[a-z0-9][a-z0-9-]{0,127}");
    private static final Pattern METADATA_VALUE = Pattern.compile("[\\x20-\\x7e]{0,1024}");

    private Quarantine() {
    }

    static ObjectKey keyOf(ObjectKey key) {
        return ObjectKey.of(BlobKeys.QUARANTINE + key.value());
    }

    /** Returns why the original was kept, or empty when it was moved. */
    static Optional<String> move(StorageDriver driver, BlobCheck check) throws StorageException, IOException {
        ObjectKey source = check.blob().key();
        ObjectKey target = keyOf(source);
        PutOptions options = PutOptions.of(metadata(check));
        if (driver.capabilities().has(Capability.SERVER_SIDE_COPY)) {
            driver.copy(source, target, options);
        } else {
            driver.put(target, Payload.of(check.bytes(), () -> open(driver, source)), options);
        }
        BlobCheck.Hashed copy = BlobCheck.hash(driver, target, check.actual().algorithm(), ReadOptions.FRESH);
        if (!copy.digest().equals(check.actual()) || copy.bytes() != check.bytes()) {
            return Optional.of("quarantine copy " + target + " hashes to " + copy.digest() + " (" + copy.bytes()
                    + " bytes), not to the judged content; original kept");
        }
        String etag = driver.stat(source, ReadOptions.FRESH).etag();
        if (!etag.equals(check.info().etag())) {
            return Optional.of("original changed while quarantining (etag " + etag + "); original kept, copy at " + target);
        }
        driver.delete(source);
        return Optional.empty();
    }

    private static InputStream open(StorageDriver driver, ObjectKey key) throws IOException {
        try {
            return driver.open(key, ReadOptions.FRESH).body();
        } catch (StorageException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The original's metadata that a put can carry, and why it was quarantined. */
    private static Map<String, String> metadata(BlobCheck check) {
        Map<String, String> metadata = new HashMap<>();
        check.info().userMetadata().forEach((name, value) -> {
            if (METADATA_KEY.matcher(name).matches() && METADATA_VALUE.matcher(value).matches()) {
                metadata.put(name, value);
            }
        });
        metadata.put(REASON, "key names " + check.blob().digest() + ", content is " + check.actual());
        return metadata;
    }
}
