package io.ironclad.sidecar;

import io.ironclad.sidecar.cli.CliException;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.ApplicationContextBuilder;
import io.micronaut.runtime.server.EmbeddedServer;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sidecar until the JVM is asked to stop. Started here rather than by
 * {@code Micronaut.run}, which logs a failed start as a stack trace of a hundred lines and exits
 * by itself: here a failure becomes a {@link CliException} with the one-line cause (the trace is
 * logged at debug level).
 */
public final class Serving {

    private static final Logger LOG = LoggerFactory.getLogger(Serving.class);

    private Serving() {
    }

    /** Starts the context and its HTTP server, then blocks until a shutdown hook has closed them. */
    public static void run(ApplicationContextBuilder builder) throws CliException {
        long started = System.nanoTime();
        ApplicationContext context = builder.build();
        EmbeddedServer server;
        try {
            context.start();
            server = context.getBean(EmbeddedServer.class);
            server.start();
        } catch (RuntimeException e) {
            LOG.debug("start failed", e);
            close(context);
            StartupFailure failure = StartupFailure.of(e);
            throw new CliException(failure.exitCode(), "cannot start: " + failure.cause()
                    + (failure.locked() ? " (is another ironclad serve, or a command, using this data directory?)" : ""), e);
        }
        LOG.info("serving on {} (started in {} ms)", server.getURL(), (System.nanoTime() - started) / 1_000_000);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                LOG.info("stopping");
                close(context);
            } finally {
                stopped.countDown();
            }
        }, "ironclad-shutdown"));
        boolean interrupted = false;
        while (stopped.getCount() > 0) {
            try {
                stopped.await();
            } catch (InterruptedException e) {
                interrupted = true; // only a shutdown ends the server
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void close(ApplicationContext context) {
        try {
            if (context.isRunning()) {
                context.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("stopping the context failed: {}", e.toString());
            LOG.debug("stopping the context failed", e);
        }
    }
}
