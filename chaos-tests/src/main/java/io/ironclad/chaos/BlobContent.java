package io.ironclad.chaos;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

/** Bytes to push, opened as a stream each time so a large layer is generated, never held. */
interface BlobContent {

    /** Exact number of bytes {@link #open()} yields. */
    long size();

    /** A fresh stream over the whole content. */
    InputStream open();

    /** Seeded pseudo-random content ({@link SeededBytes}). */
    static BlobContent seeded(long seed, long size) {
        return new BlobContent() {
            @Override
            public long size() {
                return size;
            }

            @Override
            public InputStream open() {
                return new SeededBytes(seed, size);
            }
        };
    }

    /** Small in-memory content (configs). */
    static BlobContent of(byte[] bytes) {
        byte[] copy = bytes.clone();
        return new BlobContent() {
            @Override
            public long size() {
                return copy.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(copy);
            }
        };
    }
}
