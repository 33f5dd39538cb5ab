package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's {@code chromium} run headless, once per call, with a fresh profile and no network
 * traffic of its own. {@code IRONCLAD_CHROMIUM} names another binary. A missing binary fails the
 * test with a message saying what to install.
 */
final class HeadlessChromium {

    private static final Duration PROCESS_TIMEOUT = Duration.ofSeconds(90);

    private final Path binary;
    private final Path work;

    HeadlessChromium(Path work) {
        String env = System.getenv("IRONCLAD_CHROMIUM");
        this.binary = Path.of(env == null || env.isBlank() ? "/usr/bin/chromium" : env);
        assertThat(Files.isExecutable(binary))
                .as("headless Chromium is needed for the dashboard test: install Debian's chromium (ops/ci/install-packages.sh)"
                        + " or set IRONCLAD_CHROMIUM; not found: %s", binary)
                .isTrue();
        this.work = work;
    }

    /** The DOM after the page's scripts ran for {@code budget} of virtual time (network waits pause it). */
    String dumpDom(URI page, Duration budget) throws IOException, InterruptedException {
        return run(page, budget, List.of("--dump-dom"));
    }

    /** Renders the page after {@code budget} into a PNG of the given size. */
    void screenshot(URI page, Duration budget, Path png, int width, int height) throws IOException, InterruptedException {
        run(page, budget, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars"));
        assertThat(png).as("screenshot written").isNotEmptyFile();
    }

    private String run(URI page, Duration budget, List<String> action) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory(work, "chromium-profile");
        Path out = Files.createTempFile(work, "chromium", ".out");
        Path err = Files.createTempFile(work, "chromium", ".err");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                "--virtual-time-budget=" + budget.toMillis()));
        command.addAll(action);
        command.add(page.toString());
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(PROCESS_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError("chromium did not finish within " + PROCESS_TIMEOUT + ": " + Files.readString(err));
        }
        assertThat(process.exitValue()).as("chromium exit status; stderr: %s", Files.readString(err)).isZero();
        return Files.readString(out, StandardCharsets.UTF_8);
    }
}
