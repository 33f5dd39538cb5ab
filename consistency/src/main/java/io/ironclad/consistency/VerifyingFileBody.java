package io.ironclad.consistency;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.FileRegionStream;
import io.ironclad.driver.IntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * A store file on its first read in stream mode: not yet verified, but a local file, so its bytes
 * can be sent and hashed by two readers at once instead of one after the other. It offers two
 * ways to deliver the body, and a consumer uses exactly one of them:
 * <ul>
 *   <li>as an {@link InputStream}: stream-mode verification in one pass (the bytes of the range
 *       pass through while the whole object is hashed, the last byte withheld until it verified,
 *       a refusal thrown instead of it);</li>
 *   <li>as a {@link #region()} to send by the consumer's own means (e.g. {@code sendfile(2)}) while
 *       {@link #verify()} hashes the whole file on another thread; the consumer must withhold the
 *       region's last byte until {@code verify()} returned, and abort the body if it threw.</li>
 * </ul>
 *
 * <p>Why the second way keeps "every byte verified before a body completes": both readers read the
 * same open file (one channel, so one inode, whatever happens to the path), and the filesystem
 * store never writes a file in place once it is published (a new version is a new file renamed
 * over the old name, which leaves an open file's inode as it was). So the bytes the kernel sends
 * from the page cache are the bytes the hasher read from it; the last byte of the range is only
 * released once the whole object hashed to its digest, so a client never holds a complete body
 * that did not verify. A mismatch reports the integrity refusal, as the stream path does.
 */
public final class VerifyingFileBody extends InputStream {

    private final FileRegionStream file;
    private final long first;
    private final long length;
    private final long size;
    private final Expectation expected;
    private final VerifyingInputStream.Refusal refusal;
    private final Runnable onVerified;
    private final InputStream streamed;

    /**
     * The whole object's {@code file} (positioned at its first byte), the range {@code [first,
     * first + length)} to deliver, what reports a refusal and what runs once verified, and
     * {@code streamed}: the stream-mode body of that range over {@code file}, built with the same two.
     */
    VerifyingFileBody(FileRegionStream file, long first, long length, Expectation expected,
            VerifyingInputStream.Refusal refusal, Runnable onVerified, InputStream streamed) {
        this.file = requireNonNull(file, "file is null");
        this.first = first;
        this.length = length;
        this.size = file.remaining();
        this.expected = requireNonNull(expected, "expected is null");
        this.refusal = requireNonNull(refusal, "refusal is null");
        this.onVerified = requireNonNull(onVerified, "onVerified is null");
        this.streamed = requireNonNull(streamed, "streamed is null");
    }

    /**
     * The range to send, sharing this body's open file; read it with positional reads only. Do not
     * read this body as a stream as well. Closing the region closes the file.
     */
    public FileRegionStream region() {
        return new FileRegionStream(file.channel(), file.position() + first, length, "store file");
    }

    /**
     * Hashes the whole file with positional reads (leaving {@link #region()} untouched) and
     * returns once it hashed to the expected digest; throws an {@link IOException} caused by an
     * {@link IntegrityException} (already reported) if it did not, or the read's
     * own exception if the file could not be read.
     */
    public void verify() throws IOException {
        Hasher hasher = Hashers.fast(expected.digest().algorithm());
        long read = LocalFileVerifier.hash(file, hasher, size);
        Optional<String> problem = Verification.bodyProblem(read, size, hasher, expected.digest());
        if (problem.isPresent()) {
            IntegrityException cause = refusal.refuse(problem.get());
            throw new IOException(cause.getMessage(), cause);
        }
        onVerified.run();
    }

    /** Bytes this body delivers. */
    public long length() {
        return length;
    }

    @Override
    public int read() throws IOException {
        return streamed.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        return streamed.read(buffer, offset, count);
    }

    @Override
    public void close() throws IOException {
        streamed.close();
    }
}
