package io.ironclad.sidecar;

import io.ironclad.sidecar.registry.ManifestService;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.testsupport.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Request bodies cost no thread and leave no file behind: clients that abort or stall in the
 * middle of a PATCH, PUT or monolithic POST, on real sockets against a sidecar whose blocking
 * pool has only {@value #POOL} threads, neither park a request thread nor keep a spool file.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RequestBodyHardeningTest {

    /** The most of an over-long body the server reads and drops before it resets (BodyReceiver's drain bound, 16 MiB). */
    private static final long DRAIN_MAX_BYTES = 16L << 20;
    /** How the spool area names its files in {@code <data-dir>/tmp}. */
    private static final String SPOOL_FILE_PREFIX = "body-";

    static final int POOL = 8;
    private static final Duration IDLE = Duration.ofSeconds(2);
    private static final int STREAM_AFTER = 100_000;
    private static final int STREAMING = 2;

    private final Random random = new Random(7);
    private Path dataDir;
    private Sidecar sidecar;

    @BeforeAll
    void start() throws IOException {
        dataDir = Files.createTempDirectory("ironclad-bodies");
        Files.createDirectories(dataDir.resolve("tmp"));
        Files.write(dataDir.resolve("tmp").resolve("body-left-by-a-killed-process.tmp"), new byte[1000]);
        Files.write(dataDir.resolve("tmp").resolve("not-ours.txt"), new byte[10]);
        sidecar = new Sidecar("jdbc:h2:mem:bodies-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(), dataDir,
                Map.of("micronaut.executors.blocking.n-threads", POOL, "ironclad.http.body-idle-timeout", IDLE.toString(),
                        "ironclad.http.stream-after-bytes", STREAM_AFTER, "ironclad.http.streaming-bodies", STREAMING));
    }

    @AfterAll
    void stop() {
        sidecar.close();
    }

    @Test
    void staleSpoolFilesAreRemovedAtStart() {
        assertThat(dataDir.resolve("tmp").resolve("body-left-by-a-killed-process.tmp")).as("spool file of an earlier process").doesNotExist();
        assertThat(dataDir.resolve("tmp").resolve("not-ours.txt")).exists();
    }

    @Test
    void aHundredAbortedBodiesLeaveNoThreadNoFileAndTheSessionsUsable() throws Exception {
        String repo = repo();
        byte[] blob = bytes(200_000);
        List<String> sessions = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            String location = Oci.startUpload(sidecar, repo);
            sessions.add(location);
            String request = switch (i % 3) {
                case 0 -> "PATCH " + location;
                case 1 -> "PUT " + location + "?digest=" + digest(blob);
                default -> "POST /v2/" + repo + "/blobs/uploads/?digest=" + digest(blob);
            };
            try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(head(request, blob.length));
                out.write(blob, 0, 1000);
                out.flush();
            }
        }
        long start = System.nanoTime();
        Await.until("no spool file left by the aborted bodies", Duration.ofSeconds(5), () -> spoolFiles().isEmpty());
        long cleanedMillis = (System.nanoTime() - start) / 1_000_000;
        Await.until("no thread left in request code", Duration.ofSeconds(5), () -> threadsInRequestCode().isEmpty());
        HttpResponse<byte[]> base = Oci.get(sidecar, "/v2/");
        assertThat(base.statusCode()).isEqualTo(200);
        System.out.printf("aborted bodies: 100 (PATCH/PUT/POST, 1000 of 200000 bytes each); spool files gone after %d ms;"
                + " threads in request code after: %d; /v2/ answered %d%n", cleanedMillis, threadsInRequestCode().size(), base.statusCode());

        assertThat(Oci.head(sidecar, "/v2/" + repo + "/blobs/" + digest(blob)).statusCode()).as("nothing half-written recorded").isEqualTo(404);
        // every pool slot is free: as many pushes at once as the pool has threads all complete
        List<Thread> pushes = new ArrayList<>();
        List<Integer> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < POOL; i++) {
            String location = sessions.get(i);
            Thread push = new Thread(() -> {
                HttpResponse<byte[]> patch = Oci.patch(sidecar, location, blob, 0);
                statuses.add(patch.statusCode() == 202 ? Oci.finish(sidecar, Oci.location(patch), digest(blob)).statusCode() : patch.statusCode());
            });
            push.start();
            pushes.add(push);
        }
        for (Thread push : pushes) {
            push.join(Duration.ofSeconds(20).toMillis());
        }
        assertThat(statuses).as("sessions continued after their aborted bodies").hasSize(POOL).containsOnly(201);
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(blob)).body()).isEqualTo(blob);
    }

    @Test
    void aStalledBodyIsCutWith408AndTheChunkCanBeSentAgain() throws Exception {
        String repo = repo();
        byte[] blob = bytes(50_000);
        String location = Oci.startUpload(sidecar, repo);
        String response;
        long start = System.nanoTime();
        try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
            socket.setSoTimeout((int) IDLE.multipliedBy(5).toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head("PATCH " + location, blob.length));
            out.write(blob, 0, 1000);
            out.flush();
            Await.until("the stalled body is spooled", Duration.ofSeconds(5), () -> spoolFiles().size() == 1);
            response = readResponse(socket.getInputStream());
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("stalled body cut after %d ms (idle timeout %d ms)%n", millis, IDLE.toMillis());
        assertThat(response).startsWith("HTTP/1.1 408").contains("BLOB_UPLOAD_INVALID").contains("ironclad.http.body-idle-timeout");
        assertThat(millis).isBetween(IDLE.toMillis(), IDLE.toMillis() * 4);
        assertThat(spoolFiles()).isEmpty();
        HttpResponse<byte[]> status = Oci.get(sidecar, location);
        assertThat(status.headers().firstValue("Range")).as("nothing of the cut body recorded").hasValue("0-0");
        HttpResponse<byte[]> again = Oci.patch(sidecar, location, blob, 0);
        assertThat(again.statusCode()).as(Oci.body(again)).isEqualTo(202);
        assertThat(Oci.finish(sidecar, Oci.location(again), digest(blob)).statusCode()).isEqualTo(201);
    }

    @Test
    void aLargeBodyIsReadWhileItArrivesByAtMostTheStreamingBoundOfThreadsFreedWhenItsClientGoes() throws Exception {
        Path dir = Files.createTempDirectory("ironclad-streamed");
        // a long idle timeout: the bodies below wait for the test's checks, which must not see them cut
        try (Sidecar sidecar = new Sidecar("jdbc:h2:mem:streamed-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(), dir,
                Map.of("ironclad.http.stream-after-bytes", STREAM_AFTER, "ironclad.http.streaming-bodies", STREAMING))) {
            streamWhileArriving(sidecar, dir);
        }
    }

    private void streamWhileArriving(Sidecar sidecar, Path dir) throws Exception {
        String repo = repo();
        byte[] blob = bytes(3 * STREAM_AFTER);
        int half = blob.length / 2;
        List<String> sessions = List.of(Oci.startUpload(sidecar, repo), Oci.startUpload(sidecar, repo), Oci.startUpload(sidecar, repo));
        List<Socket> clients = new ArrayList<>();
        try {
            // one after the other, so the first two are the ones that get the streaming permits
            for (String location : sessions) {
                Socket socket = new Socket("127.0.0.1", sidecar.port());
                socket.setSoTimeout(20_000);
                clients.add(socket);
                socket.getOutputStream().write(head("PATCH " + location, blob.length));
                socket.getOutputStream().write(blob, 0, half);
                socket.getOutputStream().flush();
                int spooled = clients.size();
                Await.until(spooled + " half bodies spooled", Duration.ofSeconds(10), () -> spoolFiles(dir).size() == spooled
                        && spoolFiles(dir).stream().allMatch(f -> f.toFile().length() >= half));
                int streaming = Math.min(spooled, STREAMING);
                Await.until(streaming + " handed to the store while they arrive", Duration.ofSeconds(10),
                        () -> threadsInRequestCode().size() == streaming);
            }
            assertThat(threadsInRequestCode()).as("the third waits for its end without a thread").hasSize(STREAMING);

            OutputStream first = clients.get(0).getOutputStream();
            first.write(blob, half, blob.length - half);
            first.flush();
            assertThat(readHead(clients.get(0).getInputStream())).startsWith("HTTP/1.1 202");
            Await.until("the completed body's thread done, the second's reader still waiting", Duration.ofSeconds(5),
                    () -> threadsInRequestCode().size() == 1);
            clients.get(1).close();
            Await.until("the reader of the vanished body freed", Duration.ofSeconds(5), () -> threadsInRequestCode().isEmpty());
            assertThat(spoolFiles(dir)).as("the third body, never handed over, still spooled").hasSize(1);
            clients.get(2).close();
            Await.until("no reader, no spool file left", Duration.ofSeconds(5), () -> threadsInRequestCode().isEmpty() && spoolFiles(dir).isEmpty());
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
        assertThat(Oci.finish(sidecar, sessions.get(0), digest(blob)).statusCode()).as("the streamed body was stored whole").isEqualTo(201);
        assertThat(Oci.get(sidecar, "/v2/" + repo + "/blobs/" + digest(blob)).body()).isEqualTo(blob);
        HttpResponse<byte[]> status = Oci.get(sidecar, sessions.get(1));
        assertThat(status.headers().firstValue("Range")).as("nothing of the vanished body recorded").hasValue("0-0");
        HttpResponse<byte[]> again = Oci.patch(sidecar, sessions.get(1), blob, 0);
        assertThat(again.statusCode()).as(Oci.body(again)).isEqualTo(202);
    }

    @Test
    void aStreamedBodyThatStallsIsCutWith408AndFreesItsReader() throws Exception {
        String repo = repo();
        byte[] blob = bytes(2 * STREAM_AFTER);
        String location = Oci.startUpload(sidecar, repo);
        String response;
        try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
            socket.setSoTimeout((int) IDLE.multipliedBy(5).toMillis());
            socket.getOutputStream().write(head("PATCH " + location, blob.length));
            socket.getOutputStream().write(blob, 0, STREAM_AFTER + 1000);
            socket.getOutputStream().flush();
            Await.until("the body handed to the store while it arrives", Duration.ofSeconds(10), () -> threadsInRequestCode().size() == 1);
            response = readResponse(socket.getInputStream());
        }
        assertThat(response).startsWith("HTTP/1.1 408").contains("BLOB_UPLOAD_INVALID");
        Await.until("reader freed, spool file removed", Duration.ofSeconds(5), () -> threadsInRequestCode().isEmpty() && spoolFiles().isEmpty());
        assertThat(Oci.get(sidecar, location).headers().firstValue("Range")).hasValue("0-0");
        HttpResponse<byte[]> again = Oci.patch(sidecar, location, blob, 0);
        assertThat(again.statusCode()).as(Oci.body(again)).isEqualTo(202);
        assertThat(Oci.finish(sidecar, Oci.location(again), digest(blob)).statusCode()).isEqualTo(201);
    }

    @Test
    void aManifestBodyFarOverTheLimitIs413BeforeItIsRead() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head("PUT /v2/" + repo() + "/manifests/v1",
                    ManifestService.MANIFEST_LIMIT + DRAIN_MAX_BYTES + 1));
            socket.getOutputStream().flush();
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 413").contains("SIZE_INVALID");
        }
        assertThat(spoolFiles()).isEmpty();
    }

    @Test
    void aManifestBodySlightlyOverTheLimitIsReadAndDroppedSoTheClientGetsThe413() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(head("PUT /v2/" + repo() + "/manifests/v1", ManifestService.MANIFEST_LIMIT + 1));
            out.write(new byte[ManifestService.MANIFEST_LIMIT + 1]);   // a reset would fail this write or the read below
            out.flush();
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 413").contains("SIZE_INVALID");
        }
        assertThat(spoolFiles()).as("the dropped body was never spooled").isEmpty();
    }

    static byte[] head(String requestLine, long contentLength) {
        return (requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                + contentLength + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** The response up to the server's close (errors on a body are answered with Connection: close). */
    static String readResponse(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }

    /** The status line and headers of a response on a connection that stays open. */
    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                break;
            }
            head.append((char) c);
        }
        return head.toString();
    }

    List<Path> spoolFiles() {
        return spoolFiles(dataDir);
    }

    static List<Path> spoolFiles(Path dataDir) {
        try (Stream<Path> files = Files.list(dataDir.resolve("tmp"))) {
            return files.filter(f -> f.getFileName().toString().startsWith(SPOOL_FILE_PREFIX)).toList();
        } catch (java.nio.file.NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The registry's request handling: the router, the resource handlers and the registry services they call. */
    private static final java.util.regex.Pattern REQUEST_CODE = java.util.regex.Pattern.compile(
            "io\\.ironclad\\.sidecar\\.(http\\.(RegistryController|\\w+Handler)|registry\\.\\w+Service)(\\$.*)?");

    /** Threads (other than the caller) with a frame in the registry's request handling. */
    static List<String> threadsInRequestCode() {
        long self = Thread.currentThread().getId();
        List<String> busy = new ArrayList<>();
        for (ThreadInfo info : ManagementFactory.getThreadMXBean().dumpAllThreads(false, false)) {
            if (info.getThreadId() != self && Arrays.stream(info.getStackTrace()).anyMatch(f -> REQUEST_CODE.matcher(f.getClassName()).matches())) {
                busy.add(info.getThreadName() + " " + info.getThreadState());
            }
        }
        return busy;
    }

    private String repo() {
        return "bodies/" + UUID.randomUUID().toString().substring(0, 8);
    }

    private byte[] bytes(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }
}
