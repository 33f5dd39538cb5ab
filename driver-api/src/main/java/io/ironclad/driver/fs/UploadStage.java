package io.ironclad.driver.fs;

import io.ironclad.driver.PartInfo;
import io.ironclad.driver.Payload;
import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;

/**
 * The stage of a multi-part upload: one file, {@code .uploads/<id>/stage-<nonce of part 1>},
 * holding a reserved header area ({@link #RESERVE} bytes) and then the upload's parts in order.
 * Parts are appended as they arrive (their bytes are written once, as the peer registries do), and
 * a commit of exactly the staged parts writes the object header into the reserve and links the
 * file into place: no copy of the data at commit.
 *
 * <p>Rival writers of one part number (a retried request, a second process on the root) stay
 * correct because bytes in a stage are never written twice. To append a part after the part with
 * nonce B, a writer first creates {@code claim-B}, exclusively: of rivals exactly one succeeds,
 * and only it ever writes after B. It writes only if the stage ends exactly where B's chain ends,
 * so a stage only grows at its end and the bytes of every staged part stay where its chain put
 * them. A writer that does not get the claim (a rival has it, a commit has it, an earlier part of
 * its chain is not staged) leaves the stage alone: the caller stores the part as a file of its
 * own. A crash leaves at worst a claim nobody finished, or a torn tail behind the last part no
 * state names; neither is ever read. Claims need not survive a crash (the size check keeps a
 * later writer off a tail that did), so they cost no fsync.
 */
final class UploadStage {

    /** Bytes reserved for the object header at the start of a stage; a longer header falls back to a copy. */
    static final int RESERVE = 4096;
    /** {@link PartInfo#location()} of a staged part: this prefix and the part's nonce. */
    static final String LOCATION = "stage:";
    private static final String STAGE = "stage-";
    private static final String CLAIM = "claim-";

    private final DurableFiles files;
    private final Path dir;

    UploadStage(DurableFiles files, Path dir) {
        this.files = files;
        this.dir = dir;
    }

    /** Where the staged prefix of a chain of parts is: the stage file, and how many parts and data bytes of it. */
    record Located(Path file, int parts, long bytes) {
    }

    static boolean isStaged(PartInfo part) {
        return part.location().startsWith(LOCATION);
    }

    static PartInfo stagedPart(int number, long size, String nonce) {
        return new PartInfo(number, size, nonce, LOCATION + nonce);
    }

    /**
     * Appends {@code payload} as the part after {@code base} (the chain's parts before it), named
     * by {@code nonce}, if this writer gets to write after {@code base}. False, with the stage
     * unchanged, when it does not: the caller stores the part on its own.
     */
    boolean append(List<PartInfo> base, String nonce, Payload payload) throws IOException, StorageException {
        long offset = RESERVE + base.stream().mapToLong(PartInfo::size).sum();
        if (base.isEmpty()) {
            Path stage = dir.resolve(STAGE + nonce);
            try {
                write(stage, StandardOpenOption.CREATE_NEW, offset, payload);
            } catch (IOException | StorageException | RuntimeException e) {
                DurableFiles.deleteQuietly(stage); // no state names it yet
                throw e;
            }
            files.forceDirectory(dir);
            return true;
        }
        Optional<Located> located = locate(base);
        if (located.isEmpty() || located.get().parts() != base.size() || !claim(base, nonce)
                || Files.size(located.get().file()) != offset) {
            return false;
        }
        write(located.get().file(), StandardOpenOption.WRITE, offset, payload);
        return true;
    }

    /**
     * The stage holding the staged prefix of {@code parts}, with that prefix's part count and bytes;
     * empty when no part of it is staged.
     *
     * @throws NoSuchFileException if no stage holds the staged parts (the state is stale)
     */
    Optional<Located> locate(List<PartInfo> parts) throws IOException {
        int staged = 0;
        long bytes = 0;
        while (staged < parts.size() && isStaged(parts.get(staged))) {
            bytes += parts.get(staged).size();
            staged++;
        }
        if (staged == 0) {
            return Optional.empty();
        }
        Path stage = dir.resolve(STAGE + parts.get(0).etag());
        if (Files.size(stage) < RESERVE + bytes) {
            throw new NoSuchFileException(stage + " is shorter than the parts it should hold");
        }
        return Optional.of(new Located(stage, staged, bytes));
    }

    /**
     * Takes the stage for a commit of exactly {@code parts} ({@code bytes} in all): claimed after
     * the last part, so no writer appends to it once it is the object. Empty, with nothing changed,
     * unless every part is staged, the stage holds exactly them and nobody claimed it before.
     */
    Optional<Path> takeForCommit(List<PartInfo> parts, long bytes) throws IOException {
        if (parts.isEmpty() || !isStaged(parts.get(parts.size() - 1))) {
            return Optional.empty();
        }
        Optional<Located> located = locate(parts);
        if (located.isEmpty() || Files.size(located.get().file()) != RESERVE + bytes || !claim(parts, "commit")) {
            return Optional.empty();
        }
        return Optional.of(located.get().file());
    }

    /**
     * Releases the claim of a commit that did not happen, so the upload can go on or commit again.
     * A claim that cannot be removed only costs that later commit a copy of the stage.
     */
    void giveBack(List<PartInfo> parts) {
        DurableFiles.deleteQuietly(claimAfter(parts));
    }

    /** Claims the place after the last of {@code base} for {@code next}; false if a rival has it. */
    private boolean claim(List<PartInfo> base, String next) throws IOException {
        try (FileChannel channel = FileChannel.open(claimAfter(base), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(next.getBytes(StandardCharsets.US_ASCII)));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    private Path claimAfter(List<PartInfo> parts) {
        return dir.resolve(CLAIM + parts.get(parts.size() - 1).etag());
    }

    private void write(Path stage, StandardOpenOption mode, long offset, Payload payload) throws IOException, StorageException {
        try (FileChannel out = FileChannel.open(stage, mode, StandardOpenOption.WRITE)) {
            out.position(offset);
            Optional<Path> source = payload.immutableFile();
            if (source.isPresent()) {
                try (FileChannel in = FileChannel.open(source.get(), StandardOpenOption.READ)) {
                    if (in.size() != payload.size()) {
                        throw new StorageException(files.name(), null, "payload file holds " + in.size() + " bytes, declared " + payload.size());
                    }
                    files.transferExactly(in, 0, out, payload.size(), null);
                }
            } else {
                try (InputStream in = payload.open()) {
                    files.copyExactly(in, out, payload.size(), null);
                }
            }
            files.force(out);
        }
    }
}
