package io.ironclad.sidecar.cli;

import java.util.Locale;

/** What a command found or did for one blob. */
public enum Outcome {
    /** Content matches the digest in its key; integrity metadata present and matching. */
    OK,
    /** Content matches, no integrity metadata (a legacy object). */
    MISSING_METADATA,
    /** Content matches, but the integrity metadata names another digest or size, or is malformed. */
    METADATA_MISMATCH,
    /** Content does not hash to the digest in its key. */
    CORRUPT,
    /** The blob could not be read or changed: missing, backend error, raced by a writer. */
    ERROR,
    /** Integrity metadata added (backfill). */
    BACKFILLED,
    /** Would get integrity metadata (backfill dry run). */
    WOULD_BACKFILL,
    /** Already had matching integrity metadata (backfill: left alone, content not read). */
    ALREADY_PRESENT;

    /** The JSON summary's name for the count, e.g. {@code missingMetadata}. */
    public String jsonName() {
        String[] words = name().toLowerCase(Locale.ROOT).split("_");
        StringBuilder out = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            out.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return out.toString();
    }

    /** Whether this outcome makes the command exit 1. */
    public boolean bad() {
        return this == METADATA_MISMATCH || this == CORRUPT || this == ERROR;
    }
}
