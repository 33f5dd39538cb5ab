package io.ironclad.sidecar.writeback;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The name under which this replica owns pending blobs: made once and kept in
 * {@code <data-dir>/writeback/owner}, so it belongs to the disk that holds the bytes and a
 * restarted replica (whose coordination id may be new) finds its own pending blobs again.
 */
final class OwnerIdentity {

    private OwnerIdentity() {
    }

    static String of(Path root) throws IOException {
        Path file = root.resolve("owner");
        if (Files.exists(file)) {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        }
        Files.createDirectories(root);
        String id = UUID.randomUUID().toString();
        Path temp = root.resolve("owner.tmp");
        Files.writeString(temp, id, StandardCharsets.UTF_8);
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return id;
    }
}
