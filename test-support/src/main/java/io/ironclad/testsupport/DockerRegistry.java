package io.ironclad.testsupport;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The peer registry of the integration tests: the Debian {@code docker-registry} package (CNCF
 * distribution 2.8.2) with its Swift, filesystem or S3 driver, configured as {@code ../shared/BACKENDS.md} records,
 * on a free port. {@link #start} returns once {@code /v2/} answers 200; {@link #close} stops it.
 */
public final class DockerRegistry implements AutoCloseable {

    /** Where the registry keeps its blobs: one of distribution's storage drivers and its settings. */
    public sealed interface Storage permits SwiftStorage, FilesystemStorage, S3Storage {
        /** The driver's section under {@code storage:} (any common indentation). */
        String yaml();
    }

    /** A Swift TempAuth (v1) endpoint and one container; large blobs become Dynamic Large Objects of 5 MiB segments. */
    public record SwiftStorage(URI authUrl, String user, String key, String container) implements Storage {
        public SwiftStorage {
            requireNonNull(authUrl, "authUrl is null");
            requireNonNull(user, "user is null");
            requireNonNull(key, "key is null");
            requireNonNull(container, "container is null");
        }

        @Override
        public String yaml() {
            return """
                        swift:
                          authurl: %s
                          authversion: 1
                          username: %s
                          password: %s
                          container: %s
                          chunksize: 5242880
                    """.formatted(authUrl, user, key, container);
        }
    }

    /** distribution's filesystem driver under {@code rootdirectory}: plain files in {@code docker/registry/v2/}. */
    public record FilesystemStorage(Path rootDirectory) implements Storage {
        public FilesystemStorage {
            requireNonNull(rootDirectory, "rootDirectory is null");
        }

        @Override
        public String yaml() {
            return """
                        filesystem:
                          rootdirectory: %s
                    """.formatted(rootDirectory.toAbsolutePath());
        }
    }

    /** distribution's S3 driver on an S3 endpoint (Ceph RGW): path-style, SigV4, plain HTTP; the bucket must exist. */
    public record S3Storage(URI endpoint, String region, String accessKey, String secretKey, String bucket) implements Storage {
        public S3Storage {
            requireNonNull(endpoint, "endpoint is null");
            requireNonNull(region, "region is null");
            requireNonNull(accessKey, "accessKey is null");
            requireNonNull(secretKey, "secretKey is null");
            requireNonNull(bucket, "bucket is null");
        }

        @Override
        public String yaml() {
            return """
                        s3:
                          regionendpoint: %s
                          region: %s
                          accesskey: %s
                          secretkey: %s
                          bucket: %s
                          secure: %s
                          v4auth: true
                    """.formatted(endpoint, region, accessKey, secretKey, bucket, endpoint.getScheme().equals("https"));
        }
    }

    private static final Duration START_DEADLINE = Duration.ofSeconds(30);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Process process;
    private final URI url;
    private final Path log;

    private DockerRegistry(Process process, URI url, Path log) {
        this.process = process;
        this.url = url;
        this.log = log;
    }

    /**
     * Writes {@code registry-PORT.yml} and its log under {@code workDir} and starts the registry on
     * {@code storage}, with manifest deletes enabled.
     */
    public static DockerRegistry start(Storage storage, Path workDir) throws IOException {
        return start(storage, workDir, "");
    }

    /**
     * As {@link #start(Storage, Path)}, in distribution's proxy mode ({@code proxy.remoteurl}): a
     * pull-through cache of {@code remoteUrl} on {@code storage}, which refuses pushes.
     */
    public static DockerRegistry startProxy(Storage storage, Path workDir, URI remoteUrl) throws IOException {
        return start(storage, workDir, "proxy:\n  remoteurl: " + remoteUrl + "\n");
    }

    private static DockerRegistry start(Storage storage, Path workDir, String extra) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path config = workDir.resolve("registry-" + port + ".yml");
        Files.writeString(config, """
                version: 0.1
                log:
                  level: warn
                storage:
                %s
                  delete:
                    enabled: true
                  redirect:
                    disable: true
                http:
                  addr: 127.0.0.1:%d
                  secret: ironclad-tests
                %s""".formatted(storage.yaml().stripTrailing().stripIndent().lines().map(line -> "  " + line)
                        .collect(java.util.stream.Collectors.joining("\n")), port, extra));
        Path log = workDir.resolve("registry-" + port + ".log");
        ProcessBuilder builder = new ProcessBuilder("docker-registry", "serve", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        // distribution's S3 driver panics on AWS_CA_BUNDLE ("HTTPClient's transport unsupported type"); the
        // endpoints of the tests are plain HTTP on loopback and need no CA bundle
        builder.environment().remove("AWS_CA_BUNDLE");
        Process process = builder.start();
        DockerRegistry registry = new DockerRegistry(process, URI.create("http://127.0.0.1:" + port), log);
        try {
            Await.until("docker-registry answers on " + registry.url, START_DEADLINE, registry::answers);
        } catch (AssertionError | RuntimeException e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    /** {@code http://127.0.0.1:PORT}, without a trailing slash. */
    public URI url() {
        return url;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    private boolean answers() {
        if (!process.isAlive()) {
            String output;
            try {
                output = Files.readString(log);
            } catch (IOException e) {
                output = "(log unreadable: " + e + ")";
            }
            throw new AssertionError("docker-registry exited with " + process.exitValue() + "; " + log + " says: " + output);
        }
        return answersV2(url);
    }

    /** Whether the registry at {@code url} (any OCI registry: the peer or a sidecar) answers 200 on {@code /v2/} now. */
    public static boolean answersV2(URI url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(url.resolve("/v2/")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the registry (SIGTERM, then SIGKILL after 15 s). */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
