package io.ironclad.driver.fs;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Configuration of the filesystem driver.
 *
 * @param root directory holding the store; created if missing
 * @param name driver name used in error messages and metrics (default {@code "filesystem"})
 * @param fsync force data and directory entries to disk before a write returns (default
 *     {@code true}); turn off only for throwaway test stores
 */
public record FilesystemDriverConfig(Path root, String name, boolean fsync) {

    public static final String DEFAULT_NAME = "filesystem";

    public FilesystemDriverConfig {
        requireNonNull(root, "root is null");
        requireNonNull(name, "name is null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name is blank");
        }
    }

    /** A store under {@code root} named {@code "filesystem"} with fsync on. */
    public static FilesystemDriverConfig defaults(Path root) {
        return new FilesystemDriverConfig(root, DEFAULT_NAME, true);
    }

    public FilesystemDriverConfig withName(String value) {
        return new FilesystemDriverConfig(root, value, fsync);
    }

    public FilesystemDriverConfig withFsync(boolean value) {
        return new FilesystemDriverConfig(root, name, value);
    }
}
