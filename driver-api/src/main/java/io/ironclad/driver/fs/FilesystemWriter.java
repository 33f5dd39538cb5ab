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
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Parts of an upload under {@code .uploads/<id>/}. Each part is appended to the upload's stage
 * ({@link UploadStage}) when this writer can take it, so its bytes are written once and a commit
 * of exactly the staged parts links the stage into place without copying them again. A part
 * that cannot be staged (a rival writer of the same part number took the stage, or an earlier
 * part is not staged) is stored as {@code part-<N>-<nonce>}, a new name for every write, so two
 * writers of one part number never overwrite each other and only the part the state names is
 * assembled; commit then copies the parts, in order and in the kernel, into a new object file.
 * (States written before nonces name their parts {@code part-<N>}: an empty location.)
 *
 * <p>A part stored on its own whose payload is an {@linkplain Payload#immutableFile() immutable
 * file} on the store's filesystem is hard-linked under its name instead of copied, and forced to
 * disk there; a link that cannot be made (another filesystem) falls back to the copy.
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
        PartInfo info = stageOrStore(dir, number, nonce, payload);
        if (number == parts.size()) {
            parts.set(number - 1, info);
        } else {
            parts.add(info);
        }
        return info;
    }

    /** Appends the part to the upload's stage if this writer can take it, else stores it as a file of its own. */
    private PartInfo stageOrStore(Path dir, int number, String nonce, Payload payload) throws StorageException {
        try {
            if (new UploadStage(driver.files(), dir).append(List.copyOf(parts.subList(0, number - 1)), nonce, payload)) {
                return UploadStage.stagedPart(number, payload.size(), nonce);
            }
        } catch (IOException e) {
            throw new StorageException(driver.driverName(), null, "upload " + id + ": writing part " + number + " failed: " + e, e);
        }
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
        return info;
    }

    @Override
    public ObjectInfo commit(ObjectKey target, PutOptions options) throws StorageException {
        Path dir = existingDir();
        checkPartsOnDisk();
        long size = parts.stream().mapToLong(PartInfo::size).sum();
        ObjectInfo info = driver.newVersion(target, size, options);
        UploadStage stage = new UploadStage(driver.files(), dir);
        if (!placeStage(stage, target, info, options)) {
            driver.files().place(target, info, options.createOnly(), channel -> concatenate(stage, dir, channel, target));
        }
        deleteUpload(dir);
        return info;
    }

    /** Makes the stage the object when it holds exactly the parts: the data is not copied again. */
    private boolean placeStage(UploadStage stage, ObjectKey target, ObjectInfo info, PutOptions options) throws StorageException {
        Optional<Path> taken;
        try {
            taken = stage.takeForCommit(parts, info.size());
        } catch (IOException e) {
            throw new StorageException(driver.driverName(), target, "upload " + id + ": taking its stage failed: " + e, e);
        }
        if (taken.isEmpty()) {
            return false;
        }
        boolean placed = false;
        try {
            placed = driver.files().placeReady(target, info, options.createOnly(), taken.get(), UploadStage.RESERVE);
            return placed;
        } finally {
            if (!placed) {
                stage.giveBack(parts); // e.g. create-only on an existing key: the upload stays committable
            }
        }
    }

    /** Copies the parts in order behind the header: the staged ones from the stage, the rest from their files. */
    private void concatenate(UploadStage stage, Path dir, FileChannel channel, ObjectKey target) throws IOException, StorageException {
        int from = 0;
        Optional<UploadStage.Located> located = stage.locate(parts);
        if (located.isPresent()) {
            try (FileChannel in = FileChannel.open(located.get().file(), StandardOpenOption.READ)) {
                driver.files().transferExactly(in, UploadStage.RESERVE, channel, located.get().bytes(), target);
            }
            from = located.get().parts();
        }
        for (PartInfo part : parts.subList(from, parts.size())) {
            try (FileChannel in = FileChannel.open(part(dir, part), StandardOpenOption.READ)) {
                driver.files().transferExactly(in, 0, channel, part.size(), target);
            }
        }
    }

    @Override
    public void cancel() throws StorageException {
        deleteUpload(driver.uploadDir(id));
    }

    /** The parts named in the state must be on disk with their sizes; otherwise the state is stale. */
    void checkPartsOnDisk() throws StorageException {
        Path dir = existingDir();
        int staged;
        try {
            staged = new UploadStage(driver.files(), dir).locate(parts).map(UploadStage.Located::parts).orElse(0);
        } catch (NoSuchFileException e) {
            throw new PreconditionFailedException(driver.driverName(), null, "upload " + id + ": the stage of its parts is missing");
        } catch (IOException e) {
            throw new StorageException(driver.driverName(), null, "upload " + id + ": " + e, e);
        }
        for (PartInfo part : parts.subList(staged, parts.size())) {
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
