package io.ironclad.sidecar.proxy;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * An upstream body that fails with {@link HttpTimeoutException} when one read waits longer than
 * the idle timeout for a byte: an upstream that stalls mid-body then holds a request thread and a
 * connection for that long at most, and the partial blob is refused (never cached). The JDK
 * client's request timeout ends at the response headers and its body stream has no read timeout,
 * so one watchdog thread for all bodies interrupts a read that waits too long and closes the
 * stream; the reader clears that interrupt before it throws, so its pooled thread goes on clean.
 */
final class IdleTimeoutInputStream extends FilterInputStream {

    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "ironclad-proxy-idle-watchdog");
        thread.setDaemon(true);
        return thread;
    });

    private final long idleNanos;
    private final String what;
    private final ScheduledFuture<?> check;
    private Thread reader;
    private long readSince;
    private boolean timedOut;

    private IdleTimeoutInputStream(InputStream in, Duration idle, String what) {
        super(in);
        this.idleNanos = idle.toNanos();
        this.what = what;
        long period = Math.max(10, idle.toMillis() / 4);
        this.check = WATCHDOG.scheduleWithFixedDelay(this::check, period, period, TimeUnit.MILLISECONDS);
    }

    /** {@code in}, failing a read that waits longer than {@code idle}; {@code what} names it in the error. */
    static InputStream of(InputStream in, Duration idle, String what) {
        return idle.isZero() ? in : new IdleTimeoutInputStream(in, idle, what);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        synchronized (this) {
            failIfTimedOut(null);
            reader = Thread.currentThread();
            readSince = System.nanoTime();
        }
        try {
            return super.read(b, off, len);
        } catch (IOException e) {
            failIfTimedOut(e);
            throw e;
        } finally {
            synchronized (this) {
                reader = null;
                if (timedOut) {
                    Thread.interrupted(); // the watchdog's interrupt was for this read only
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        check.cancel(false);
        super.close();
    }

    private synchronized void failIfTimedOut(IOException cause) throws HttpTimeoutException {
        if (timedOut) {
            HttpTimeoutException e = new HttpTimeoutException(what + ": no byte from the upstream for "
                    + Duration.ofNanos(idleNanos).toMillis() + " ms (ironclad.proxy.idle-timeout)");
            if (cause != null) {
                e.initCause(cause);
            }
            throw e;
        }
    }

    private void check() {
        synchronized (this) {
            if (reader == null || System.nanoTime() - readSince < idleNanos) {
                return;
            }
            timedOut = true;
            reader.interrupt();
        }
        check.cancel(false);
        try {
            in.close(); // releases the connection even if the read ignores the interrupt
        } catch (IOException e) {
            // the stream is given up either way
        }
    }
}
