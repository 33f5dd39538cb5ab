package io.ironclad.faults;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Capabilities;
import io.ironclad.driver.Capability;
import io.ironclad.driver.ForwardingObjectWriter;
import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.RangeNotSatisfiableException;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.WriterState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A driver that makes a strongly consistent delegate behave like an eventually consistent, lying
 * object store, as a {@link FaultPlan} says: delayed visibility of new writes, stale previous
 * versions, missing reads, truncated or bit-flipped bodies with a confident success, wrong
 * integrity metadata, transient errors and latency. Faults come from a seeded {@link Random} and
 * are counted per kind in {@link #counts()}; each call carries at most one harmful fault.
 *
 * <p>Freshness reads model Swift {@code X-Newest}: they bypass the visibility lag when the plan
 * says so and never see spurious misses, but still suffer transient errors and corruption.
 * The previous version of an overwritten object is kept in memory for stale reads (up to
 * {@value #MAX_STALE_BYTES} bytes; larger ones miss instead), so wrap test-sized data.
 */
public final class FaultyDriver extends ForwardingStorageDriver {

    static final int MAX_STALE_BYTES = 16 << 20;

    private final FaultPlan plan;
    private final Clock clock;
    private final Consumer<Duration> delay;
    private final Random random;
    private final FaultCounts counts = new FaultCounts();
    private final Map<ObjectKey, Visibility> lagging = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicInteger> partFailures = new ConcurrentHashMap<>();
    private volatile String outage;

    /** When a write becomes visible to plain reads, and what they see until then. */
    private record Visibility(Instant visibleAt, Optional<Version> previous) {
    }

    private record Version(ObjectInfo info, byte[] data) {
    }

    /**
     * @param clock decides when lags end
     * @param delay carries out injected latency (a test passes {@code manualClock::advance})
     */
    public FaultyDriver(StorageDriver delegate, FaultPlan plan, Clock clock, Consumer<Duration> delay) {
        super(delegate);
        this.plan = requireNonNull(plan, "plan is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.delay = requireNonNull(delay, "delay is null");
        this.random = new Random(plan.seed());
    }

    /** Over a {@link ManualClock}: latency advances it. */
    public FaultyDriver(StorageDriver delegate, FaultPlan plan, ManualClock clock) {
        this(delegate, plan, clock, clock::advance);
    }

    public FaultCounts counts() {
        return counts;
    }

    public FaultPlan plan() {
        return plan;
    }

    /** Makes {@code key}'s current version invisible to plain reads (and fresh ones unless the plan bypasses) for {@code lag}. */
    public void delayVisibility(ObjectKey key, Duration lag) {
        lagging.put(key, new Visibility(clock.instant().plus(lag), Optional.empty()));
    }

    /**
     * Makes the next {@code times} writes of part {@code number} (of any upload) read the whole
     * part, as a backend receiving it would, and then fail with a transient error, as when the
     * connection drops before the answer: a retry must send the part's bytes again.
     */
    public void failPartAfterSending(int number, int times) {
        partFailures.computeIfAbsent(number, n -> new AtomicInteger()).set(times);
    }

    /**
     * Takes the backend down: until {@link #comeBack()}, every call fails with a
     * {@link BackendUnavailableException} whose message names {@code reason} (say "connection
     * refused" or "HTTP 503"), before reaching the delegate, counted as {@link FaultKind#OUTAGE}.
     */
    public void goDown(String reason) {
        outage = requireNonNull(reason, "reason is null");
    }

    /** Ends the outage {@link #goDown} began. */
    public void comeBack() {
        outage = null;
    }

    @Override
    public Capabilities capabilities() {
        Capabilities real = delegate().capabilities();
        EnumSet<Capability> flags = real.flags().isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(real.flags());
        flags.remove(Capability.READ_AFTER_WRITE);
        if (!plan.freshReadsBypassLag()) {
            flags.remove(Capability.FRESHNESS_READ);
        }
        return new Capabilities(flags, real.minPartSize(), real.maxPartSize(), real.partSize());
    }

    @Override
    public ObjectInfo stat(ObjectKey key, ReadOptions options) throws StorageException {
        enter(key);
        Optional<Version> stale = lagged(key, options);
        if (stale.isPresent()) {
            return stale.get().info();
        }
        missMaybe(key, options);
        ObjectInfo info = super.stat(key, options);
        if (roll(plan.wrongMetadataProbability())) {
            counts.add(FaultKind.WRONG_METADATA);
            return WrongDigests.of(info, random);
        }
        return info;
    }

    @Override
    public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
        enter(key);
        Optional<Version> stale = lagged(key, options);
        if (stale.isPresent()) {
            return openVersion(key, stale.get(), options);
        }
        missMaybe(key, options);
        ObjectContent content = super.open(key, options);
        if (roll(plan.wrongMetadataProbability())) {
            counts.add(FaultKind.WRONG_METADATA);
            return new ObjectContent(WrongDigests.of(content.info(), random), content.range(), content.body());
        }
        long length = content.length();
        if (length > 0 && roll(plan.truncateProbability())) {
            counts.add(FaultKind.TRUNCATED);
            return new ObjectContent(content.info(), content.range(), new CorruptBodies.Truncated(content.body(), nextLong(length)));
        }
        if (length > 0 && roll(plan.flipProbability())) {
            counts.add(FaultKind.FLIPPED_BYTE);
            return new ObjectContent(content.info(), content.range(),
                    new CorruptBodies.Flipped(content.body(), nextLong(length), (byte) (1 + nextInt(255))));
        }
        return content;
    }

    @Override
    public ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        enter(key);
        Optional<Version> previous = currentVersion(key);
        ObjectInfo info = super.put(key, payload, options);
        written(key, previous);
        return info;
    }

    @Override
    public ObjectWriter newWriter() throws StorageException {
        requireUp(null);
        return new FaultyWriter(super.newWriter());
    }

    @Override
    public ObjectWriter newWriter(ObjectKey target, PutOptions options) throws StorageException {
        requireUp(target);
        return new FaultyWriter(delegate().newWriter(target, options));
    }

    @Override
    public ObjectWriter resumeWriter(WriterState state) throws StorageException {
        requireUp(null);
        return new FaultyWriter(super.resumeWriter(state));
    }

    @Override
    public ListPage list(ListRequest request) throws StorageException {
        requireUp(null);
        return super.list(request);
    }

    @Override
    public void delete(ObjectKey key) throws StorageException {
        requireUp(key);
        super.delete(key);
        lagging.remove(key);
    }

    private void requireUp(ObjectKey key) throws BackendUnavailableException {
        String reason = outage;
        if (reason != null) {
            counts.add(FaultKind.OUTAGE);
            throw new BackendUnavailableException(name(), key, "injected outage: " + reason);
        }
    }

    /** The outage, latency, then maybe a transient failure: all happen before the backend is reached. */
    private void enter(ObjectKey key) throws TransientStorageException {
        requireUp(key);
        if (roll(plan.latencyProbability())) {
            counts.add(FaultKind.LATENCY);
            delay.accept(plan.latency());
        }
        if (roll(plan.transientProbability())) {
            counts.add(FaultKind.TRANSIENT);
            throw new TransientStorageException(name(), key, "injected transient error (503)");
        }
    }

    /** The stale version a plain read sees within the lag; throws not-found for a new key within its lag. */
    private Optional<Version> lagged(ObjectKey key, ReadOptions options) throws ObjectNotFoundException {
        Visibility visibility = lagging.get(key);
        if (visibility == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(visibility.visibleAt())) {
            lagging.remove(key, visibility);
            return Optional.empty();
        }
        if (options.fresh() && plan.freshReadsBypassLag()) {
            return Optional.empty();
        }
        if (visibility.previous().isPresent()) {
            counts.add(FaultKind.STALE_VERSION);
            return visibility.previous();
        }
        counts.add(FaultKind.LAG_MISS);
        throw new ObjectNotFoundException(name(), key, "not found (injected visibility lag)");
    }

    private void missMaybe(ObjectKey key, ReadOptions options) throws ObjectNotFoundException {
        if (!options.fresh() && roll(plan.missingProbability())) {
            counts.add(FaultKind.MISSING);
            throw new ObjectNotFoundException(name(), key, "not found (injected missing read)");
        }
    }

    private void written(ObjectKey key, Optional<Version> previous) {
        if (roll(plan.lagProbability()) && !plan.maxLag().isZero()) {
            Duration lag = Duration.ofNanos(1 + nextLong(plan.maxLag().toNanos()));
            lagging.put(key, new Visibility(clock.instant().plus(lag), previous));
        } else {
            lagging.remove(key);
        }
    }

    /** The object now stored under {@code key}, kept for stale reads after an overwrite. */
    private Optional<Version> currentVersion(ObjectKey key) throws StorageException {
        if (plan.lagProbability() == 0) {
            return Optional.empty();
        }
        Optional<ObjectInfo> info = delegate().find(key, ReadOptions.FRESH);
        if (info.isEmpty() || info.get().size() > MAX_STALE_BYTES) {
            return Optional.empty();
        }
        try (ObjectContent content = delegate().open(key, ReadOptions.FRESH)) {
            return Optional.of(new Version(content.info(), content.body().readAllBytes()));
        } catch (ObjectNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException(name(), key, "reading the previous version failed: " + e.getMessage(), e);
        }
    }

    private ObjectContent openVersion(ObjectKey key, Version version, ReadOptions options) throws RangeNotSatisfiableException {
        byte[] data = version.data();
        if (options.range().isEmpty()) {
            return new ObjectContent(version.info(), Optional.empty(), new ByteArrayInputStream(data));
        }
        ByteRange range = options.range().get();
        if (!range.satisfiable(data.length)) {
            throw new RangeNotSatisfiableException(name(), key, "range " + range + " beyond size " + data.length);
        }
        ByteRange clamped = range.clamp(data.length);
        return new ObjectContent(version.info(), Optional.of(clamped),
                new ByteArrayInputStream(data, (int) clamped.first(), (int) clamped.length()));
    }

    private boolean roll(double probability) {
        return probability > 0 && random.nextDouble() < probability;
    }

    private long nextLong(long bound) {
        synchronized (random) {
            return (long) (random.nextDouble() * bound) % bound;
        }
    }

    private int nextInt(int bound) {
        return random.nextInt(bound);
    }

    private final class FaultyWriter extends ForwardingObjectWriter {

        FaultyWriter(ObjectWriter writer) {
            super(writer);
        }

        @Override
        public PartInfo writePart(int number, Payload payload) throws StorageException {
            enter(null);
            AtomicInteger failures = partFailures.get(number);
            if (failures != null && failures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                failAfterSending(number, payload);
            }
            return super.writePart(number, payload);
        }

        private void failAfterSending(int number, Payload payload) throws StorageException {
            try (InputStream in = payload.open()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (IOException e) {
                throw new TransientStorageException(name(), null, "sending part " + number + " failed: " + e.getMessage(), e);
            }
            counts.add(FaultKind.TRANSIENT);
            throw new TransientStorageException(name(), null, "injected: connection reset after part " + number + " was sent");
        }

        @Override
        public ObjectInfo commit(ObjectKey target, PutOptions options) throws StorageException {
            requireUp(target);
            Optional<Version> previous = currentVersion(target);
            ObjectInfo info = super.commit(target, options);
            written(target, previous);
            return info;
        }
    }
}
