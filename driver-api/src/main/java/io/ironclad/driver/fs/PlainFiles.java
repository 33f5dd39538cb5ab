package io.ironclad.driver.fs;

import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Plain files another program wrote under the store's root (CNCF distribution's filesystem
 * driver keeps {@code <rootdirectory>/docker/registry/v2/...}), seen as read-only legacy objects:
 * the key is the path relative to the root, the body is the whole file, there is no user
 * metadata. The driver's own trees ({@code objects/}, {@code .uploads/}) are never plain files.
 * Nothing here writes: the other program's files stay exactly as they are.
 */
final class PlainFiles {

    private final Path root;
    private final Path objects;
    private final Path uploads;

    /** @param root the driver's root; its {@code objects/} and {@code .uploads/} trees are the driver's own */
    PlainFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.objects = this.root.resolve("objects");
        this.uploads = this.root.resolve(".uploads");
    }

    /** The plain file holding {@code key}, if there is one (a key that cannot be a path has none). */
    Optional<Path> file(ObjectKey key) {
        for (String segment : key.value().split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return Optional.empty();
            }
        }
        Path file = root.resolve(key.value());
        if (file.startsWith(objects) || file.startsWith(uploads) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(file);
    }

    /**
     * The object {@code file} holds. The etag names the file's identity, size and modification
     * time, so a file replaced or rewritten by its owner gets a new one.
     */
    ObjectInfo info(ObjectKey key, Path file) throws IOException {
        BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        String identity = attributes.fileKey() == null ? "" : Integer.toHexString(attributes.fileKey().hashCode());
        String etag = "plain-" + identity + "-" + attributes.size() + "-" + attributes.lastModifiedTime().toMillis();
        return new ObjectInfo(key, attributes.size(), etag, attributes.lastModifiedTime().toInstant(), Map.of());
    }

    /** Visits the keys of every plain file under the directory holding {@code prefix}'s keys. */
    void keys(String prefix, Consumer<ObjectKey> visitor) throws IOException {
        int slash = prefix.lastIndexOf('/');
        Path base = slash < 0 ? root : root.resolve(prefix.substring(0, slash));
        if (!base.normalize().startsWith(root) || !Files.isDirectory(base, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(base, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return dir.equals(objects) || dir.equals(uploads) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        keyOf(file).filter(key -> key.value().startsWith(prefix)).ifPresent(visitor);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // removed by its owner mid-walk: a listing is a snapshot
                    }
                    throw e;
                }
            });
        } catch (NoSuchFileException e) {
            // the directory went away mid-walk: nothing under it any more
        }
    }

    private Optional<ObjectKey> keyOf(Path file) {
        String relative = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
        try {
            return Optional.of(ObjectKey.of(relative));
        } catch (IllegalArgumentException notAKey) {
            return Optional.empty();
        }
    }
}
