package io.ironclad.sidecar.cli;

import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Walks a {@link Scope} page by page, handling the blobs of each page in parallel, and writes the
 * checkpoint once a whole page is done: a resumed walk starts after the last completed page and
 * never skips a blob (at worst it handles one page again).
 *
 * @param verb the command, recorded in the checkpoint
 * @param checkpoint where to keep the checkpoint, if anywhere
 * @param parallel how many blobs are handled at once
 * @param pageSize keys per listing page
 */
record Walk(String verb, Optional<Path> checkpoint, int parallel, int pageSize) {

    /** What a command does with one blob; failures it throws are counted as {@link Outcome#ERROR}. */
    @FunctionalInterface
    interface Action {
        Result handle(BlobKeys.Blob blob) throws StorageException, IOException;
    }

    /**
     * @param outcome what was found or done
     * @param bytes bytes read from the store
     * @param detail why, for a bad outcome
     * @param quarantined whether the blob was moved to quarantine
     */
    record Result(Outcome outcome, long bytes, String detail, boolean quarantined) {
        static Result of(BlobCheck check) {
            return new Result(check.outcome(), check.bytes(), check.detail(), false);
        }
    }

    /**
     * @param tally counts including earlier runs of a resumed walk
     * @param resumedObjects objects counted by earlier runs
     * @param resumedBytes bytes counted by earlier runs
     */
    record Walked(Tally tally, long resumedObjects, long resumedBytes) {
    }

    /** Runs {@code action} on every blob of {@code scope} not done before. */
    Walked run(Scope scope, Action action, Progress progress) throws CliException {
        Checkpoint start = checkpoint.isPresent() ? Checkpoint.load(checkpoint.get(), verb, scope.describe())
                : new Checkpoint(verb, scope.describe(), Optional.empty(), new Tally());
        Tally tally = start.tally();
        Walked walked = new Walked(tally, tally.objects(), tally.bytes());
        Optional<String> after = start.lastKey();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            while (true) {
                Scope.Page page = list(scope, after);
                tally.skipped(page.skipped());
                handleAll(pool, page.blobs(), action, tally, progress);
                if (page.lastKey().isPresent()) {
                    after = page.lastKey();
                    save(scope, after.get(), tally);
                }
                if (!page.more()) {
                    return walked;
                }
            }
        } finally {
            pool.shutdownNow();
            progress.finish(tally);
        }
    }

    private Scope.Page list(Scope scope, Optional<String> after) throws CliException {
        try {
            return scope.page(after, pageSize);
        } catch (StorageException e) {
            String resume = checkpoint.map(file -> "; run again with --checkpoint " + file + " to continue").orElse("");
            throw new CliException(CliException.UNREACHABLE, "cannot list " + scope.describe() + ": " + e.getMessage() + resume, e);
        }
    }

    private static void handleAll(ExecutorService pool, List<BlobKeys.Blob> blobs, Action action, Tally tally, Progress progress) {
        List<Future<?>> running = new ArrayList<>();
        for (BlobKeys.Blob blob : blobs) {
            running.add(pool.submit(() -> {
                handle(blob, action, tally);
                progress.update(tally, false);
            }));
        }
        for (Future<?> future : running) {
            try {
                future.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException e) {
                throw new IllegalStateException("handling a blob failed unexpectedly", e.getCause());
            }
        }
    }

    private static void handle(BlobKeys.Blob blob, Action action, Tally tally) {
        Result result;
        try {
            result = action.handle(blob);
        } catch (StorageException | IOException | RuntimeException e) {
            result = new Result(Outcome.ERROR, 0, e.getMessage() == null ? e.toString() : e.getMessage(), false);
        }
        tally.record(result.outcome(), result.bytes());
        if (result.quarantined()) {
            tally.quarantined();
        }
        if (result.outcome().bad()) {
            tally.problem(new Tally.Problem(blob.key().value(), blob.digest().toString(), result.outcome(), result.detail()));
        }
    }

    private void save(Scope scope, String key, Tally tally) throws CliException {
        if (checkpoint.isEmpty()) {
            return;
        }
        try {
            Checkpoint.save(checkpoint.get(), verb, scope.describe(), key, tally);
        } catch (IOException e) {
            throw CliException.usage("cannot write checkpoint " + checkpoint.get() + ": " + e);
        }
    }
}
