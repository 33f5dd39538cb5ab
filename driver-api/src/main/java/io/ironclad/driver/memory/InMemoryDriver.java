package io.ironclad.driver.memory;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.Capabilities;
import io.ironclad.driver.Capability;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.RangeNotSatisfiableException;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.WriterState;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

final class InMemoryDriver implements StorageDriver {

    static final Capabilities CAPABILITIES = Capabilities.of(Capability.READ_AFTER_WRITE,
            Capability.LIST_AFTER_WRITE, Capability.CONDITIONAL_CREATE, Capability.FRESHNESS_READ,
            Capability.SERVER_SIDE_COPY, Capability.RANGED_READ, Capability.METADATA_UPDATE).withPartSizes(1, Integer.MAX_VALUE - 16);

    private final String name;
    private final ConcurrentNavigableMap<ObjectKey, Stored> objects = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<String, List<byte[]>> uploads = new ConcurrentHashMap<>();
    private final AtomicLong versions = new AtomicLong();
    private final Clock clock = Clock.systemUTC();

    InMemoryDriver(String name) {
        this.name = name;
    }

    private record Stored(byte[] data, ObjectInfo info) {
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Capabilities capabilities() {
        return CAPABILITIES;
    }

    @Override
    public ObjectInfo stat(ObjectKey key, ReadOptions options) throws StorageException {
        return get(key).info();
    }

    @Override
    public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
        Stored stored = get(key);
        if (options.ifMatch().isPresent() && !options.ifMatch().get().equals(stored.info().etag())) {
            throw new PreconditionFailedException(name, key, "etag is " + stored.info().etag() + ", not " + options.ifMatch().get());
        }
        if (options.range().isEmpty()) {
            return new ObjectContent(stored.info(), Optional.empty(), new ByteArrayInputStream(stored.data()));
        }
        ByteRange range = options.range().get();
        if (!range.satisfiable(stored.data().length)) {
            throw new RangeNotSatisfiableException(name, key, "range " + range + " beyond size " + stored.data().length);
        }
        ByteRange clamped = range.clamp(stored.data().length);
        InputStream body = new ByteArrayInputStream(stored.data(), (int) clamped.first(), (int) clamped.length());
        return new ObjectContent(stored.info(), Optional.of(clamped), body);
    }

    @Override
    public ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        return store(key, read(key, payload), options);
    }

    @Override
    public ObjectWriter newWriter() {
        String id = UUID.randomUUID().toString();
        uploads.put(id, new ArrayList<>());
        return new Writer(id);
    }

    @Override
    public ObjectWriter resumeWriter(WriterState state) throws StorageException {
        List<byte[]> parts = uploads.get(state.uploadId());
        if (parts == null) {
            throw new ObjectNotFoundException(name, null, "upload " + state.uploadId() + " not found");
        }
        synchronized (parts) {
            if (parts.size() != state.parts().size()) {
                throw new PreconditionFailedException(name, null, "upload " + state.uploadId() + " has "
                        + parts.size() + " parts, state says " + state.parts().size());
            }
        }
        return new Writer(state.uploadId());
    }

    @Override
    public void delete(ObjectKey key) {
        objects.remove(key);
    }

    @Override
    public ListPage list(ListRequest request) {
        List<ListPage.Entry> entries = new ArrayList<>();
        var tail = request.startAfter().isPresent() && !request.startAfter().get().isEmpty()
                ? objects.tailMap(ObjectKey.of(request.startAfter().get()), false)
                : objects;
        boolean more = false;
        for (Stored stored : tail.values()) {
            ObjectInfo info = stored.info();
            if (!info.key().value().startsWith(request.prefix())) {
                if (ObjectKey.compareUtf8(info.key().value(), request.prefix()) > 0) {
                    break;
                }
                continue;
            }
            if (entries.size() == request.limit()) {
                more = true;
                break;
            }
            entries.add(new ListPage.Entry(info.key(), info.size(), info.etag(), info.lastModified()));
        }
        Optional<String> next = more ? Optional.of(entries.get(entries.size() - 1).key().value()) : Optional.empty();
        return new ListPage(entries, next);
    }

    @Override
    public ObjectInfo copy(ObjectKey source, ObjectKey target, PutOptions options) throws StorageException {
        return store(target, get(source).data(), options);
    }

    @Override
    public ObjectInfo updateMetadata(ObjectKey key, String expectedEtag, PutOptions userMetadata) throws StorageException {
        Stored current = get(key);
        ObjectInfo old = current.info();
        if (!old.etag().equals(expectedEtag)) {
            throw new PreconditionFailedException(name, key, "etag is " + old.etag() + ", not " + expectedEtag);
        }
        ObjectInfo info = new ObjectInfo(key, old.size(), old.etag(), old.lastModified(), userMetadata.userMetadata());
        if (!objects.replace(key, current, new Stored(current.data(), info))) {
            throw new PreconditionFailedException(name, key, "changed while its metadata was updated");
        }
        return info;
    }

    @Override
    public void close() {
        // nothing to release
    }

    private Stored get(ObjectKey key) throws ObjectNotFoundException {
        Stored stored = objects.get(key);
        if (stored == null) {
            throw new ObjectNotFoundException(name, key, "not found");
        }
        return stored;
    }

    private ObjectInfo store(ObjectKey key, byte[] data, PutOptions options) throws StorageException {
        ObjectInfo info = new ObjectInfo(key, data.length, "v" + versions.incrementAndGet(), clock.instant(), options.userMetadata());
        Stored stored = new Stored(data, info);
        if (options.createOnly()) {
            if (objects.putIfAbsent(key, stored) != null) {
                throw new ObjectAlreadyExistsException(name, key, "already exists");
            }
        } else {
            objects.put(key, stored);
        }
        return info;
    }

    private byte[] read(ObjectKey key, Payload payload) throws StorageException {
        if (payload.size() > CAPABILITIES.maxPartSize()) {
            throw new StorageException(name, key, "payload of " + payload.size() + " bytes exceeds the in-memory limit");
        }
        try (InputStream in = payload.open()) {
            byte[] data = in.readNBytes((int) payload.size());
            if (data.length != payload.size() || in.read() != -1) {
                throw new StorageException(name, key, "payload yielded a different size than its declared " + payload.size());
            }
            return data;
        } catch (IOException e) {
            throw new StorageException(name, key, "reading payload failed: " + e.getMessage(), e);
        }
    }

    private final class Writer implements ObjectWriter {
        private final String id;

        Writer(String id) {
            this.id = id;
        }

        @Override
        public WriterState state() {
            List<byte[]> parts = uploads.getOrDefault(id, List.of());
            List<PartInfo> infos = new ArrayList<>();
            synchronized (parts) {
                for (int i = 0; i < parts.size(); i++) {
                    infos.add(new PartInfo(i + 1, parts.get(i).length, "p" + (i + 1), ""));
                }
            }
            return new WriterState(name, id, infos);
        }

        @Override
        public PartInfo writePart(int number, Payload payload) throws StorageException {
            List<byte[]> parts = parts();
            byte[] data = read(null, payload);
            synchronized (parts) {
                if (number == parts.size() + 1) {
                    parts.add(data);
                } else if (number == parts.size() && number > 0) {
                    parts.set(number - 1, data);
                } else {
                    throw new PreconditionFailedException(name, null, "upload " + id + ": part " + number
                            + " out of order, next is " + (parts.size() + 1));
                }
            }
            return new PartInfo(number, data.length, "p" + number, "");
        }

        @Override
        public ObjectInfo commit(ObjectKey target, PutOptions options) throws StorageException {
            List<byte[]> parts = parts();
            byte[] all;
            synchronized (parts) {
                long total = parts.stream().mapToLong(p -> p.length).sum();
                if (total > CAPABILITIES.maxPartSize()) {
                    throw new StorageException(name, target, "object of " + total + " bytes exceeds the in-memory limit");
                }
                all = new byte[(int) total];
                int at = 0;
                for (byte[] part : parts) {
                    System.arraycopy(part, 0, all, at, part.length);
                    at += part.length;
                }
            }
            ObjectInfo info = store(target, all, options);
            uploads.remove(id);
            return info;
        }

        @Override
        public void cancel() {
            uploads.remove(id);
        }

        private List<byte[]> parts() throws ObjectNotFoundException {
            List<byte[]> parts = uploads.get(id);
            if (parts == null) {
                throw new ObjectNotFoundException(name, null, "upload " + id + " not found");
            }
            return parts;
        }
    }
}
