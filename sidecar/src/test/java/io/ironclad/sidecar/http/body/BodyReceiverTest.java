package io.ironclad.sidecar.http.body;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.sidecar.DataDirectory;
import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.RegistryException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.reactivestreams.Subscription;

class BodyReceiverTest {

    @TempDir
    Path dir;

    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    /** Pieces that arrive while the writer is busy are written together: in order, and as many asked for again. */
    @Test
    void piecesThatArriveWhileTheWriterIsBusyAreSpooledInOrderAndAskedForAgain() throws Exception {
        Queue<Runnable> pool = new ArrayDeque<>();
        BodySettings settings = new BodySettings(Duration.ofSeconds(30), 1 << 20, 8, 1, Long.MAX_VALUE, 1);
        SpoolArea area = new SpoolArea(new DataDirectory(dir.toString()), settings);
        BodyReceiver receiver = new BodyReceiver(area, pool::add, timer, settings.bodyIdleTimeout(),
                new BodyReceiver.Streaming(Long.MAX_VALUE, new Semaphore(0)), 9, Long.MAX_VALUE, size -> new RegistryException(ErrorCode.BODY_TOO_LARGE, size + " bytes"));
        AtomicLong requested = new AtomicLong();
        receiver.onSubscribe(subscription(requested));
        runAll(pool);
        long first = requested.get();

        receiver.onNext("abc".getBytes());
        receiver.onNext("def".getBytes());
        receiver.onNext("ghi".getBytes());
        runAll(pool);
        receiver.onComplete();
        runAll(pool);

        assertThat(requested.get() - first).isEqualTo(3);
        try (Spooler.RequestPayload body = receiver.received().get(); InputStream in = body.open()) {
            assertThat(new String(in.readAllBytes())).isEqualTo("abcdefghi");
            assertThat(body.immutableFile()).contains(body.spoolFile());
        }
    }

    private static void runAll(Queue<Runnable> pool) {
        Runnable task;
        while ((task = pool.poll()) != null) {
            task.run();
        }
    }

    private static Subscription subscription(AtomicLong requested) {
        return new Subscription() {
            @Override
            public void request(long n) {
                requested.addAndGet(n);
            }

            @Override
            public void cancel() {
            }
        };
    }
}
