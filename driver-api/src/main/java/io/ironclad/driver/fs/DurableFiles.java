package io.ironclad.driver.fs;

import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.ObjectAlreadyExistsException;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * How the filesystem driver makes a write durable and atomic, and how it reads an I/O failure:
 * the one place for fsync, the rename (or link) into place and the error mapping, shared by puts,
 * copies, metadata updates and the multi-part writer.
 */
final class DurableFiles {

    private static final int ATTEMPTS = 5;

    private final String name;
    private final boolean fsync;
    private final ObjectTree tree;

    DurableFiles(String name, boolean fsync, ObjectTree tree) {
        this.name = name;
        this.fsync = fsync;
        this.tree = tree;
    }

    /** Fills the data part of a temporary object file. */
    @FunctionalInterface
    interface DataWriter {
        void write(FileChannel temp) throws IOException, StorageException;
    }

    void force(FileChannel channel) throws IOException {
        if (fsync) {
            channel.force(true);
        }
    }

    void forceDirectory(Path dir) {
        if (!fsync) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // some filesystems cannot fsync a directory; the rename itself is still atomic
        }
    }

    /**
     * Writes header + data into a temporary file beside the target, forces it to disk and renames
     * it into place: atomically replacing, or for create-only through {@code link(2)}, which fails
     * if the name exists, so of racing creators exactly one wins.
     */
    ObjectInfo place(ObjectKey key, ObjectInfo info, boolean createOnly, DataWriter data) throws StorageException {
        Path target = tree.objectPath(key);
        for (int attempt = 1; ; attempt++) {
            Path temp = null;
            try {
                if (!Files.isDirectory(tree.root())) {
                    // never recreate it: on an unmounted volume that would write beside the real store
                    throw new NoSuchFileException(tree.root().toString());
                }
                Files.createDirectories(target.getParent());
                temp = target.resolveSibling(ObjectTree.TEMP + UUID.randomUUID());
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                    channel.write(ObjectFile.header(info));
                    data.write(channel);
                    force(channel);
                }
                if (createOnly) {
                    Files.createLink(target, temp);
                    Files.delete(temp);
                } else {
                    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                forceDirectory(target.getParent());
                return info;
            } catch (FileAlreadyExistsException e) {
                deleteQuietly(temp);
                throw new ObjectAlreadyExistsException(name, key, "already exists");
            } catch (NoSuchFileException e) {
                // a concurrent delete removed the (empty) parent directory between our mkdir and write
                deleteQuietly(temp);
                if (attempt == ATTEMPTS) {
                    throw failure(key, "put", e);
                }
            } catch (IOException e) {
                deleteQuietly(temp);
                throw failure(key, "put", e);
            } catch (StorageException | RuntimeException e) {
                deleteQuietly(temp);
                throw e;
            }
        }
    }

    /**
     * Makes {@code temp} a durable hard link to the payload's {@linkplain Payload#immutableFile()
     * immutable file}, if it has one of its declared size on this filesystem. False, with nothing
     * created, when it cannot be linked: the caller copies the payload instead.
     *
     * @throws StorageException if the file's size is not the payload's
     */
    boolean linkExactly(Payload payload, Path temp) throws IOException, StorageException {
        Optional<Path> source = payload.immutableFile();
        if (source.isEmpty()) {
            return false;
        }
        try {
            Files.createLink(temp, source.get());
        } catch (IOException | UnsupportedOperationException e) {
            // most likely another filesystem (EXDEV); the copy reports any real failure
            return false;
        }
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.READ)) {
            if (channel.size() != payload.size()) {
                throw new StorageException(name, null, "payload file holds " + channel.size() + " bytes, declared " + payload.size());
            }
            force(channel); // its bytes were written without fsync by whoever made the file
            return true;
        } catch (IOException | StorageException | RuntimeException e) {
            deleteQuietly(temp);
            throw e;
        }
    }

    /** Copies the {@code count} bytes of {@code in} at {@code from}, in the kernel where it can; a shorter file fails. */
    void transferExactly(FileChannel in, long from, FileChannel out, long count, ObjectKey key) throws IOException, StorageException {
        long copied = 0;
        while (copied < count) {
            long n = in.transferTo(from + copied, count - copied, out);
            if (n <= 0) {
                break; // at the end of the file
            }
            copied += n;
        }
        if (copied != count) {
            throw new StorageException(name, key, "file holds " + copied + " of the " + count + " bytes to copy at " + from);
        }
    }

    /**
     * Puts {@code ready}, a file with {@code info.size()} data bytes after {@code reserve} reserved
     * ones, in place as the object: the header goes into the reserve, the file is forced and then
     * linked (create-only) or renamed into place, as {@link #place} does with its temporary file.
     * False, with nothing changed, if the header does not fit the reserve.
     */
    boolean placeReady(ObjectKey key, ObjectInfo info, boolean createOnly, Path ready, int reserve) throws StorageException {
        Optional<ByteBuffer> header = ObjectFile.header(info, reserve);
        if (header.isEmpty()) {
            return false;
        }
        Path target = tree.objectPath(key);
        try (FileChannel channel = FileChannel.open(ready, StandardOpenOption.WRITE)) {
            ByteBuffer bytes = header.get();
            while (bytes.hasRemaining()) {
                channel.write(bytes, bytes.position());
            }
            force(channel);
        } catch (IOException e) {
            throw failure(key, "put", e);
        }
        for (int attempt = 1; ; attempt++) {
            try {
                if (!Files.isDirectory(tree.root())) {
                    throw new NoSuchFileException(tree.root().toString());
                }
                Files.createDirectories(target.getParent());
                if (createOnly) {
                    Files.createLink(target, ready);
                    Files.delete(ready);
                } else {
                    Files.move(ready, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
                forceDirectory(target.getParent());
                return true;
            } catch (FileAlreadyExistsException e) {
                throw new ObjectAlreadyExistsException(name, key, "already exists");
            } catch (NoSuchFileException e) {
                if (attempt == ATTEMPTS || !Files.exists(ready)) {
                    throw failure(key, "put", e);
                }
            } catch (IOException e) {
                throw failure(key, "put", e);
            }
        }
    }

    String name() {
        return name;
    }

    /** Copies exactly {@code size} bytes; a payload yielding fewer or more fails. */
    void copyExactly(InputStream in, FileChannel out, long size, ObjectKey key) throws IOException, StorageException {
        byte[] buffer = new byte[64 * 1024];
        long copied = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            copied += n;
            if (copied > size) {
                break;
            }
            ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
            while (chunk.hasRemaining()) {
                out.write(chunk);
            }
        }
        if (copied != size) {
            throw new StorageException(name, key, "payload yielded " + (copied > size ? "more than " : "") + copied
                    + " bytes, declared " + size);
        }
    }

    /**
     * A missing file is "not found" only while the store directory itself is there: without it
     * (an unmounted or removed volume) the backend is unavailable, as it is on the I/O errors of a
     * failing disk or a lost network mount.
     */
    StorageException failure(ObjectKey key, String operation, IOException e) {
        Path objects = tree.root();
        if (!Files.isDirectory(objects)) {
            return new BackendUnavailableException(name, key, operation + " failed: the store directory " + objects
                    + " is missing (volume not mounted?): " + e, e);
        }
        if (e instanceof NoSuchFileException) {
            return new ObjectNotFoundException(name, key, "not found");
        }
        String reason = e instanceof FileSystemException fs ? String.valueOf(fs.getReason()) : "";
        if (reason.contains("Input/output error") || reason.contains("not connected") || reason.contains("Stale file handle")) {
            return new BackendUnavailableException(name, key, operation + " failed: " + e, e);
        }
        return new StorageException(name, key, operation + " failed: " + e, e);
    }

    static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // a leftover temporary file is invisible to readers and listings
        }
    }
}
