package io.ironclad.driver.fs;

import io.ironclad.driver.ByteRange;
import io.ironclad.driver.FileRegionStream;
import io.ironclad.driver.Capabilities;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.RangeNotSatisfiableException;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.WriterState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Layout under the root:
 * <pre>
 * objects/&lt;seg&gt;.d/&lt;seg&gt;.d/&lt;last&gt;.o   one file per object: header (key, size, etag, time, metadata) + data
 * objects/.../.tmp-&lt;uuid&gt;               a write in progress, renamed over the .o file when complete
 * .uploads/&lt;id&gt;/stage-&lt;nonce&gt;            a multi-part upload's parts, appended after a header reserve
 *                                            and linked into place at commit ({@link UploadStage})
 * .uploads/&lt;id&gt;/claim-&lt;nonce&gt;            who may append after that part (one writer, or the commit)
 * .uploads/&lt;id&gt;/part-N-&lt;nonce&gt;           a part a rival writer stored on its own (a new name per write)
 * any/other/path                             a plain file another program wrote (e.g. distribution's
 *                                            docker/registry/v2/...): a read-only legacy object, see {@link PlainFiles}
 * </pre>
 * A key with an object file of the driver's own is that object; otherwise a plain file at the
 * key's path is read and listed as a legacy object without metadata. The driver never writes or
 * deletes a plain file: a metadata update or put stores its own object file, which then takes
 * precedence, and a delete removes only that.
 * Directory segments end in {@code .d} and object files in {@code .o}, so key {@code a} and key
 * {@code a/b} never collide; temporary files end in neither and are invisible to listings.
 */
final class FilesystemDriver implements StorageDriver {

    private static final Capabilities CAPABILITIES = FilesystemDrivers.CAPABILITIES;
    private static final int ATTEMPTS = 5;

    private final String name;
    private final ObjectTree tree;
    private final DurableFiles files;
    private final Path uploads;
    private final PlainFiles plain;
    private final Clock clock = Clock.systemUTC();

    FilesystemDriver(FilesystemDriverConfig config) {
        this.name = config.name();
        this.tree = new ObjectTree(name, config.root().resolve("objects"));
        this.files = new DurableFiles(name, config.fsync(), tree);
        this.uploads = config.root().resolve(".uploads");
        this.plain = new PlainFiles(config.root());
        try {
            Files.createDirectories(tree.root());
            Files.createDirectories(uploads);
        } catch (IOException e) {
            throw new UncheckedIOException("[" + name + "] cannot create store under " + config.root(), e);
        }
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
        try (FileChannel channel = openChannel(key)) {
            return ObjectFile.read(channel).info();
        } catch (ObjectNotFoundException e) {
            Optional<Path> file = plain.file(key);
            if (file.isEmpty()) {
                throw e;
            }
            try {
                return plain.info(key, file.get());
            } catch (IOException plainFailure) {
                throw failure(key, "stat", plainFailure);
            }
        } catch (IOException e) {
            throw failure(key, "stat", e);
        }
    }

    @Override
    public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
        FileChannel channel;
        try {
            channel = openChannel(key);
        } catch (ObjectNotFoundException e) {
            return openPlain(key, options, e);
        }
        try {
            ObjectFile.Header header = ObjectFile.read(channel);
            return content(key, channel, header.info(), header.dataOffset(), options);
        } catch (StorageException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw failure(key, "open", e instanceof IOException io ? io : new IOException(e));
        }
    }

    /** A key with no object file of the driver's own may be a plain file another program wrote (read-only, legacy). */
    private ObjectContent openPlain(ObjectKey key, ReadOptions options, ObjectNotFoundException notFound) throws StorageException {
        Path file = plain.file(key).orElseThrow(() -> notFound);
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw failure(key, "open", e);
        }
        try {
            return content(key, channel, plain.info(key, file), 0, options);
        } catch (StorageException e) {
            closeQuietly(channel);
            throw e;
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw failure(key, "open", e instanceof IOException io ? io : new IOException(e));
        }
    }

    private ObjectContent content(ObjectKey key, FileChannel channel, ObjectInfo info, long dataOffset, ReadOptions options)
            throws StorageException, IOException {
        if (options.ifMatch().isPresent() && !options.ifMatch().get().equals(info.etag())) {
            throw new PreconditionFailedException(name, key, "etag is " + info.etag() + ", not " + options.ifMatch().get());
        }
        if (options.range().isEmpty()) {
            return new ObjectContent(info, Optional.empty(), new FileRegionStream(channel, dataOffset, info.size(), "object"));
        }
        ByteRange range = options.range().get();
        if (!range.satisfiable(info.size())) {
            throw new RangeNotSatisfiableException(name, key, "range " + range + " beyond size " + info.size());
        }
        ByteRange clamped = range.clamp(info.size());
        InputStream body = new FileRegionStream(channel, dataOffset + clamped.first(), clamped.length(), "object");
        return new ObjectContent(info, Optional.of(clamped), body);
    }

    @Override
    public ObjectInfo put(ObjectKey key, Payload payload, PutOptions options) throws StorageException {
        ObjectInfo info = newVersion(key, payload.size(), options);
        return files.place(key, info, options.createOnly(), temp -> {
            try (InputStream in = payload.open()) {
                files.copyExactly(in, temp, payload.size(), key);
            }
        });
    }

    @Override
    public ObjectWriter newWriter() throws StorageException {
        String id = UUID.randomUUID().toString();
        try {
            Files.createDirectory(uploads.resolve(id));
        } catch (IOException e) {
            throw new StorageException(name, null, "cannot create upload " + id + ": " + e, e);
        }
        return new FilesystemWriter(this, id, List.of());
    }

    @Override
    public ObjectWriter resumeWriter(WriterState state) throws StorageException {
        if (!state.driver().equals(name)) {
            throw new PreconditionFailedException(name, null, "upload " + state.uploadId() + " belongs to driver " + state.driver());
        }
        Path dir = uploadDir(state.uploadId());
        if (!Files.isDirectory(dir)) {
            throw new ObjectNotFoundException(name, null, "upload " + state.uploadId() + " not found");
        }
        FilesystemWriter writer = new FilesystemWriter(this, state.uploadId(), state.parts());
        writer.checkPartsOnDisk();
        return writer;
    }

    @Override
    public void delete(ObjectKey key) throws StorageException {
        Path file = tree.objectPath(key);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw failure(key, "delete", e);
        }
        tree.removeEmptyParents(file.getParent());
    }

    @Override
    public ListPage list(ListRequest request) throws StorageException {
        TreeSet<ObjectKey> smallest = smallestKeys(request);
        List<ListPage.Entry> entries = new ArrayList<>();
        ObjectKey lastConsidered = null;
        int considered = 0;
        for (ObjectKey key : smallest) {
            if (considered++ == request.limit()) {
                break;
            }
            lastConsidered = key;
            try {
                ObjectInfo info = stat(key, ReadOptions.PLAIN);
                entries.add(new ListPage.Entry(key, info.size(), info.etag(), info.lastModified()));
            } catch (ObjectNotFoundException deletedMeanwhile) {
                // deleted between walk and stat: a listing is a snapshot, leave it out
            }
        }
        // the token is the last key considered, even if it vanished meanwhile, so no key is skipped
        Optional<String> next = smallest.size() > request.limit() && lastConsidered != null
                ? Optional.of(lastConsidered.value()) : Optional.empty();
        return new ListPage(entries, next);
    }

    /**
     * The {@code limit + 1} smallest keys past the token (bounded memory however large the store).
     * A directory removed by a concurrent delete mid-walk restarts the walk.
     */
    private TreeSet<ObjectKey> smallestKeys(ListRequest request) throws StorageException {
        String after = request.startAfter().orElse("");
        for (int attempt = 1; ; attempt++) {
            TreeSet<ObjectKey> smallest = new TreeSet<>();
            try {
                try (Stream<Path> paths = Files.walk(tree.listingBase(request.prefix()))) {
                    paths.filter(ObjectTree::isObjectFile)
                            .map(tree::keyOf)
                            .filter(key -> key.value().startsWith(request.prefix()))
                            .filter(key -> ObjectKey.compareUtf8(key.value(), after) > 0)
                            .forEach(key -> keep(smallest, key, request.limit()));
                } catch (NoSuchFileException e) {
                    // nothing was ever stored under the prefix
                }
                plain.keys(request.prefix(), key -> {
                    if (ObjectKey.compareUtf8(key.value(), after) > 0) {
                        keep(smallest, key, request.limit());
                    }
                });
                return smallest;
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException) || attempt == ATTEMPTS) {
                    throw new StorageException(name, null, "listing prefix '" + request.prefix() + "' failed: " + e.getCause(), e);
                }
            } catch (IOException e) {
                throw new StorageException(name, null, "listing prefix '" + request.prefix() + "' failed: " + e, e);
            }
        }
    }

    private static void keep(TreeSet<ObjectKey> smallest, ObjectKey key, int limit) {
        smallest.add(key);
        if (smallest.size() > limit + 1) {
            smallest.pollLast();
        }
    }

    @Override
    public ObjectInfo copy(ObjectKey source, ObjectKey target, PutOptions options) throws StorageException {
        try (ObjectContent content = open(source, ReadOptions.PLAIN)) {
            ObjectInfo info = newVersion(target, content.info().size(), options);
            return files.place(target, info, options.createOnly(), temp -> files.copyExactly(content.body(), temp, info.size(), source));
        } catch (IOException e) {
            throw failure(source, "copy", e);
        }
    }

    @Override
    public ObjectInfo updateMetadata(ObjectKey key, String expectedEtag, PutOptions userMetadata) throws StorageException {
        try (ObjectContent content = open(key, ReadOptions.PLAIN.withIfMatch(expectedEtag))) {
            ObjectInfo old = content.info();
            ObjectInfo info = new ObjectInfo(key, old.size(), old.etag(), old.lastModified(), userMetadata.userMetadata());
            return files.place(key, info, false, temp -> {
                files.copyExactly(content.body(), temp, info.size(), key);
                String now = stat(key, ReadOptions.PLAIN).etag();
                if (!now.equals(expectedEtag)) {
                    throw new PreconditionFailedException(name, key, "replaced while its metadata was updated (etag now " + now + ")");
                }
            });
        } catch (IOException e) {
            throw failure(key, "update metadata", e);
        }
    }

    @Override
    public void close() {
        // no open resources between calls
    }

    // --- shared with the writer ---

    String driverName() {
        return name;
    }

    Path uploadDir(String id) throws StorageException {
        if (!id.matches("[0-9a-f-]{36}")) {
            throw new ObjectNotFoundException(name, null, "upload id '" + id + "' is not one of this driver's");
        }
        return uploads.resolve(id);
    }

    ObjectInfo newVersion(ObjectKey key, long size, PutOptions options) {
        return new ObjectInfo(key, size, UUID.randomUUID().toString(), clock.instant(), options.userMetadata());
    }

    DurableFiles files() {
        return files;
    }

    private StorageException failure(ObjectKey key, String operation, IOException e) {
        return files.failure(key, operation, e);
    }

    private FileChannel openChannel(ObjectKey key) throws StorageException {
        try {
            return FileChannel.open(tree.objectPath(key), StandardOpenOption.READ);
        } catch (IOException e) {
            throw failure(key, "open", e);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // closing a read channel loses nothing
        }
    }
}
