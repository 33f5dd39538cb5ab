package io.ironclad.sidecar;

import io.ironclad.sidecar.http.body.SpoolArea;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.memory.InMemoryDrivers;
import io.ironclad.testsupport.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Slow clients never starve fast ones: {@value #SLOW} connections trickle upload bodies (PATCH,
 * PUT and monolithic POST) at one byte per second while a fast client pulls and pushes; the fast
 * client's requests answer within a second at p99, on a blocking pool of only
 * {@value RequestBodyHardeningTest#POOL} threads. About 20 s.
 */
class SlowClientsTest {

    private static final int SLOW = 500;
    private static final Duration MEASURED = Duration.ofSeconds(10);

    private final Random random = new Random(3);

    @Test
    void fiveHundredTricklingUploadsLeaveOtherRequestsFast() throws Exception {
        Path dataDir = Files.createTempDirectory("ironclad-slow");
        try (Sidecar sidecar = new Sidecar("jdbc:h2:mem:slow-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", InMemoryDrivers.create(),
                dataDir, Map.of("micronaut.executors.blocking.n-threads", RequestBodyHardeningTest.POOL))) {
            String repo = "slow/app";
            byte[] config = bytes(500);
            byte[] layer = bytes(100_000);
            Oci.pushMonolithic(sidecar, repo, config);
            Oci.pushMonolithic(sidecar, repo, layer);
            assertThat(Oci.putManifest(sidecar, repo, "v1", Oci.OCI_MANIFEST, Oci.imageManifest(config, layer)).statusCode()).isEqualTo(201);

            List<Socket> slow = openTricklingUploads(sidecar, repo);
            ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
            try {
                trickle.scheduleAtFixedRate(() -> slow.forEach(SlowClientsTest::sendOneByte), 1, 1, TimeUnit.SECONDS);
                SpoolArea area = sidecar.bean(SpoolArea.class);
                Await.until(SLOW + " bodies being received at once", Duration.ofSeconds(20), () -> area.openBodies() >= SLOW);

                List<Long> latencies = fastClient(sidecar, repo, layer);
                int threadsDuring = RequestBodyHardeningTest.threadsInRequestCode().size();
                int spoolDuring = RequestBodyHardeningTest.spoolFiles(dataDir).size();
                trickle.shutdownNow();
                slow.forEach(SlowClientsTest::closeQuietly);
                Await.until("spool files of the closed slow uploads removed", Duration.ofSeconds(10),
                        () -> RequestBodyHardeningTest.spoolFiles(dataDir).isEmpty() && area.openBodies() == 0);
                Await.until("no thread left in request code", Duration.ofSeconds(5), () -> RequestBodyHardeningTest.threadsInRequestCode().isEmpty());

                List<Long> sorted = latencies.stream().sorted().toList();
                long p50 = sorted.get(sorted.size() / 2);
                long p99 = sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1);
                System.out.printf("slow clients: %d trickling at 1 byte/s; fast client: %d requests in %d s, p50 %d ms, p99 %d ms, max %d ms;"
                        + " while trickling: %d threads in request code, %d spool files; after closing: 0 spool files, 0 threads%n",
                        SLOW, sorted.size(), MEASURED.toSeconds(), p50, p99, sorted.get(sorted.size() - 1), threadsDuring, spoolDuring);
                assertThat(spoolDuring).as("every slow body is being spooled, none holds a thread").isEqualTo(SLOW);
                assertThat(p99).as("p99 of the fast client's requests, ms").isLessThan(1000);
            } finally {
                trickle.shutdownNow();
                slow.forEach(SlowClientsTest::closeQuietly);
            }
        }
    }

    /** Connections that have sent their request head (Content-Length 1000) and one byte of body. */
    private List<Socket> openTricklingUploads(Sidecar sidecar, String repo) throws IOException {
        List<Socket> sockets = new ArrayList<>();
        for (int i = 0; i < SLOW; i++) {
            String request = switch (i % 3) {
                case 0 -> "PATCH " + Oci.startUpload(sidecar, repo);
                case 1 -> "PUT " + Oci.startUpload(sidecar, repo) + "?digest=" + digest(bytes(1000));
                default -> "POST /v2/" + repo + "/blobs/uploads/?digest=" + digest(bytes(1000));
            };
            Socket socket = new Socket("127.0.0.1", sidecar.port());
            sockets.add(socket);
            OutputStream out = socket.getOutputStream();
            out.write(RequestBodyHardeningTest.head(request, 1000));
            out.write(1);
            out.flush();
        }
        return sockets;
    }

    /** HEAD and GET of blobs and the manifest, {@code /v2/} and small monolithic pushes, for {@link #MEASURED}; the latencies in ms. */
    private List<Long> fastClient(Sidecar sidecar, String repo, byte[] layer) {
        String blob = "/v2/" + repo + "/blobs/" + digest(layer);
        List<Supplier<Integer>> requests = List.of(
                () -> Oci.get(sidecar, "/v2/").statusCode(),
                () -> Oci.head(sidecar, blob).statusCode(),
                () -> Oci.get(sidecar, blob).statusCode(),
                () -> Oci.head(sidecar, "/v2/" + repo + "/manifests/v1").statusCode(),
                () -> Oci.get(sidecar, "/v2/" + repo + "/manifests/v1").statusCode(),
                () -> {
                    byte[] small = bytes(2000);
                    return sidecar.send(sidecar.request("/v2/" + repo + "/blobs/uploads/?digest=" + digest(small))
                            .POST(Oci.bytes(small))).statusCode();
                });
        List<Long> latencies = new ArrayList<>();
        long end = System.nanoTime() + MEASURED.toNanos();
        for (int i = 0; System.nanoTime() < end; i++) {
            long start = System.nanoTime();
            int status = requests.get(i % requests.size()).get();
            latencies.add((System.nanoTime() - start) / 1_000_000);
            assertThat(status).as("fast request %d", i % requests.size()).isIn(200, 201);
        }
        return latencies;
    }

    private static void sendOneByte(Socket socket) {
        try {
            OutputStream out = socket.getOutputStream();
            out.write(1);
            out.flush();
        } catch (IOException e) {
            // a connection the server has cut shows in the spool count the test asserts on
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // closing is all that is left to do with it
        }
    }

    private byte[] bytes(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }
}
