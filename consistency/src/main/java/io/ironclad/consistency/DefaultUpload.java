package io.ironclad.consistency;

import io.ironclad.driver.Capability;
import io.ironclad.driver.Digest;
import io.ironclad.driver.IntegrityException;
import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import java.util.Optional;

/**
 * An upload whose running hash advances only with parts the driver confirmed: each chunk is read
 * once and hashed as it is cut into parts, and the hash state after a part is adopted once the
 * driver stored that part.
 */
final class DefaultUpload implements Upload {

    private static final System.Logger LOG = System.getLogger(DefaultUpload.class.getName());

    private final StoreContext context;
    private final VerifiedWrites writes;
    private final StorageDriver driver;
    private final ObjectWriter writer;
    private final Digest.Algorithm algorithm;
    /** The running hash of an upload that lives within one call ({@link #inOneCall}); null for a resumable one. */
    private final Hasher live;
    /** The commit's options when the writer was started with them (its target known from the start); else made at commit. */
    private final PutOptions presetOptions;
    private byte[] hashState;
    private long size;

    DefaultUpload(StoreContext context, VerifiedWrites writes, ObjectWriter writer, Hasher hasher, long size) {
        this(context, writes, writer, hasher, size, false, null);
    }

    private DefaultUpload(StoreContext context, VerifiedWrites writes, ObjectWriter writer, Hasher hasher, long size,
            boolean live, PutOptions presetOptions) {
        this.context = context;
        this.writes = writes;
        this.driver = context.driver;
        this.writer = writer;
        this.algorithm = hasher.algorithm();
        this.live = live ? hasher : null;
        this.presetOptions = presetOptions;
        this.hashState = live ? null : hasher.exportState();
        this.size = size;
    }

    /**
     * An upload that starts, appends and completes within one call and is never resumed (a large
     * monolithic put cut into parts): it keeps {@code hasher} live instead of exporting its state
     * after every part, so it can be the JDK's SHA-256 (SHA-NI speed) rather than Bouncy Castle's
     * exportable one. It is written with {@link #write}; {@link #state()} is unsupported.
     * {@code options} are those the writer was started with ({@link StorageDriver#newWriter(ObjectKey, PutOptions)}):
     * the commit uses their metadata.
     */
    static DefaultUpload inOneCall(StoreContext context, VerifiedWrites writes, ObjectWriter writer, Hasher hasher,
            PutOptions options) {
        return new DefaultUpload(context, writes, writer, hasher, 0, true, options);
    }

    @Override
    public UploadState state() {
        if (live != null) {
            throw new UnsupportedOperationException("an upload within one call has no persistable state");
        }
        return new UploadState(writer.state(), algorithm, hashState, size);
    }

    /**
     * Writes the chunk as parts of the driver's part size ({@link ChunkParts}), each retried on
     * its own after a transient failure. The hash and size advance with each confirmed part, so
     * after a failure half-way {@link #state()} still names every part that was written.
     */
    @Override
    public UploadState append(Payload chunk) throws StorageException {
        write(chunk);
        return state();
    }

    /** {@link #append} without answering the state: the one append of an upload {@linkplain #inOneCall within one call}. */
    void write(Payload chunk) throws StorageException {
        ObjectKey label = label(writer.state());
        new ChunkParts(context, writer, driver.capabilities(), context.config.spoolDirectory())
                .write(chunk, live != null ? live : Hashers.restore(algorithm, hashState), label, (hasher, bytes) -> {
                    if (live == null) {
                        hashState = hasher.exportState();
                    }
                    size += bytes;
                });
    }

    /** Names an upload in events and errors. */
    static ObjectKey label(io.ironclad.driver.WriterState state) {
        return ObjectKey.of("upload/" + state.uploadId().replace('/', '_'));
    }

    @Override
    public StoredObject complete(ObjectKey target, Digest expected) throws StorageException {
        Digest actual = live != null ? live.digest() : Hashers.restore(algorithm, hashState).digest();
        if (!actual.equals(expected)) {
            writer.cancel();
            String detail = "upload of " + size + " bytes hashed to " + actual + ", expected " + expected;
            context.events.emit(ConsistencyEvent.Kind.INTEGRITY_REFUSAL, "complete", target, 1, java.time.Duration.ZERO, detail);
            throw new IntegrityException(driver.name(), target, "refused upload: " + detail);
        }
        Optional<StoredObject> existing = writes.existingSame(target, expected, size);
        if (existing.isPresent()) {
            discardRedundant(target);
            return existing.get();
        }
        boolean createOnly = driver.capabilities().has(Capability.CONDITIONAL_CREATE);
        PutOptions options = (presetOptions != null ? presetOptions
                : new IntegrityMetadata(expected, size, context.clock.instant()).toPutOptions()).withCreateOnly(createOnly);
        try {
            context.retryTransient("complete", target, () -> writer.commit(target, options));
        } catch (ObjectAlreadyExistsException e) {
            if (writes.existingSame(target, expected, size).isPresent()) {
                // a concurrent upload of the same content won: ours is redundant
                discardRedundant(target);
            } else {
                // the key holds other bytes than its content address says: replace them with verified ones
                context.retryTransient("complete", target, () -> writer.commit(target, options.withCreateOnly(false)));
            }
        }
        return writes.barrier(target, expected, size);
    }

    @Override
    public void cancel() throws StorageException {
        writer.cancel();
    }

    /**
     * Cancels this upload once the content is stored anyway: its parts are garbage now, so a
     * backend that keeps failing to delete them must not fail the push; they are left behind,
     * with a warning naming the target.
     */
    private void discardRedundant(ObjectKey target) {
        try {
            context.retryTransient("cancel", label(writer.state()), () -> {
                writer.cancel();
                return null;
            });
        } catch (StorageException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "content of " + target + " is stored; discarding the redundant upload failed: " + e.getMessage());
        }
    }
}
