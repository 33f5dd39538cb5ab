package io.ironclad.driver.fs;

import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where a key's object file lives under {@code objects/}: directory segments end in {@code .d} and
 * object files in {@code .o}, so key {@code a} and key {@code a/b} never collide, and temporary
 * files (which end in neither) are invisible to listings.
 */
final class ObjectTree {

    static final String DIR = ".d";
    static final String OBJECT = ".o";
    static final String TEMP = ".tmp-";
    private static final int MAX_SEGMENT_BYTES = 250;

    private final String name;
    private final Path objects;

    ObjectTree(String name, Path objects) {
        this.name = name;
        this.objects = objects;
    }

    /** The {@code objects/} directory. */
    Path root() {
        return objects;
    }

    /** The object file of {@code key}; a segment too long for a file name is refused. */
    Path objectPath(ObjectKey key) throws StorageException {
        String[] segments = key.value().split("/");
        Path path = objects;
        for (int i = 0; i < segments.length; i++) {
            if (segments[i].getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                throw new StorageException(name, key, "segment longer than " + MAX_SEGMENT_BYTES + " bytes, too long for a file name");
            }
            path = path.resolve(segments[i] + (i == segments.length - 1 ? OBJECT : DIR));
        }
        return path;
    }

    /** Whether {@code path} names an object file (not a directory or a write in progress). */
    static boolean isObjectFile(Path path) {
        return path.getFileName().toString().endsWith(OBJECT) && Files.isRegularFile(path);
    }

    /** The key of an object file. */
    ObjectKey keyOf(Path file) {
        Path relative = objects.relativize(file);
        StringBuilder key = new StringBuilder();
        for (int i = 0; i < relative.getNameCount(); i++) {
            String segment = relative.getName(i).toString();
            key.append(i == 0 ? "" : "/").append(segment, 0, segment.length() - 2);
        }
        return ObjectKey.of(key.toString());
    }

    /** The deepest directory that holds every key with this prefix. */
    Path listingBase(String prefix) {
        Path base = objects;
        int slash = prefix.lastIndexOf('/');
        if (slash < 0) {
            return base;
        }
        for (String segment : prefix.substring(0, slash).split("/")) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return objects; // not a valid key directory; fall back to a filtered full walk
            }
            base = base.resolve(segment + DIR);
        }
        return base;
    }

    /** Removes {@code dir} and its parents up to {@code objects/} while they are empty. */
    void removeEmptyParents(Path dir) {
        while (dir != null && !dir.equals(objects) && dir.startsWith(objects)) {
            try {
                Files.delete(dir);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                return;
            } catch (IOException e) {
                return; // best effort: an empty directory costs nothing but an inode
            }
            dir = dir.getParent();
        }
    }
}
