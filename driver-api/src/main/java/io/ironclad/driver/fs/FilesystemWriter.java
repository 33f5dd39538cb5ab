package io.ironclad.driver.fs;

import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ObjectNotFoundException;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PreconditionFailedException;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.WriterState;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Parts staged as {@code .uploads/<id>/part-<N>-<nonce>}, a new name for every write, so two writers
 * of one part number never overwrite each other and only the part the state names is assembled;
 * commit copies them, in order and in the kernel, into one object file. (States written before
 * nonces name their parts {@code part-<N>}: an empty location.)
 *
 * <p>A part whose payload is an {@linkplain Payload#immutableFile() immutable file} on the store's
 * filesystem (the sidecar's spooled request body) is hard-linked under its new name instead of
 * copied, and forced to disk there: the same durability, without writing its bytes again. A link
 * that cannot be made (another filesystem) falls back to the copy.
 */
final class FilesystemWriter implements ObjectWriter {

    private final FilesystemDriver driver;
    private final String id;
    private final List<PartInfo> parts;

    FilesystemWriter(FilesystemDriver driver, String id, List<PartInfo> parts) {
        this.driver = driver;
        this.id = id;
        this.parts = new ArrayList<>(parts);
    }

    @Override
    public WriterState state() {
        return new WriterState(driver.driverName(), id, parts);
    }

    @Override
    public PartInfo writePart(int number, Payload payload) throws StorageException {
        if (number != parts.size() + 1 && !(number == parts.size() && number > 0)) {
            throw new PreconditionFailedException(driver.driverName(), null, "upload " + id + ": part " + number
                    + " out of order, next is " + (parts.size() + 1));
        }
        Path dir = existingDir();
        String nonce = UUID.randomUUID().toString();
        PartInfo info = new PartInfo(number, payload.size(), nonce, "part-" + number + "-" + nonce);
        Path temp = dir.resolve(".tmp-" + nonce);
        try {
            if (!driver.files().linkExactly(payload, temp)) {
                try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                        InputStream in = payload.open()) {
                    driver.files().copyExactly(in, channel, payload.size(), null);
                    driver.files().force(channel);
                }
            }
            Files.move(temp, part(dir, info), StandardCopyOption.ATOMIC_MOVE);
            driver.files().forceDirectory(dir);
        } catch (IOException e) {
            DurableFiles.deleteQuietly(temp);
            throw new StorageException(driver.driverName(), null, "upload " + id + ": writing part " + number + " failed: " + e, e);
        } catch (StorageException e) {
            DurableFiles.deleteQuietly(temp);
            throw e;
        }
        if (number == parts.size()) {
            parts.set(number - 1, info);
        } else {
            parts.add(info);
        }
        return info;
    }

    @Override
    public ObjectInfo commit(ObjectKey target, PutOptions options) throws StorageException {
        Path dir = existingDir();
        checkPartsOnDisk();
        long size = parts.stream().mapToLong(PartInfo::size).sum();
        ObjectInfo info = driver.newVersion(target, size, options);
        driver.files().place(target, info, options.createOnly(), channel -> {
            for (PartInfo part : parts) {
                try (FileChannel in = FileChannel.open(part(dir, part), StandardOpenOption.READ)) {
                    driver.files().transferExactly(in, channel, part.size(), target);
                }
            }
        });
        deleteUpload(dir);
        return info;
    }

    @Override
    public void cancel() throws StorageException {
        deleteUpload(driver.uploadDir(id));
    }

    /** The parts named in the state must be on disk with their sizes; otherwise the state is stale. */
    void checkPartsOnDisk() throws StorageException {
        Path dir = existingDir();
        for (PartInfo part : parts) {
            try {
                long size = Files.size(part(dir, part));
                if (size != part.size()) {
                    throw new PreconditionFailedException(driver.driverName(), null, "upload " + id + ": part "
                            + part.number() + " holds " + size + " bytes, state says " + part.size());
                }
            } catch (NoSuchFileException e) {
                throw new PreconditionFailedException(driver.driverName(), null, "upload " + id + ": part " + part.number() + " missing");
            } catch (IOException e) {
                throw new StorageException(driver.driverName(), null, "upload " + id + ": " + e, e);
            }
        }
    }

    private Path existingDir() throws StorageException {
        Path dir = driver.uploadDir(id);
        if (!Files.isDirectory(dir)) {
            throw new ObjectNotFoundException(driver.driverName(), null, "upload " + id + " not found");
        }
        return dir;
    }

    private void deleteUpload(Path dir) throws StorageException {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException e) {
            // already gone: cancel and commit cleanup are idempotent
        } catch (IOException e) {
            throw new StorageException(driver.driverName(), null, "upload " + id + ": removing staged parts failed: " + e, e);
        }
    }

    private static Path part(Path dir, PartInfo part) {
        return dir.resolve(part.location().isEmpty() ? "part-" + part.number() : part.location());
    }
}
