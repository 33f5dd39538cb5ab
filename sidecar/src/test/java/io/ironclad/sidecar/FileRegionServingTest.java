package io.ironclad.sidecar;

import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.fs.FilesystemDriverConfig;
import io.ironclad.driver.fs.FilesystemDrivers;
import io.ironclad.sidecar.serving.FileRegionStats;
import io.ironclad.testsupport.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Blob bodies that are local files (the filesystem store's own files, verified) go out as file
 * regions ({@code sendfile}) on plain HTTP/1.1: checked over real sockets with keep-alive and
 * pipelined requests, ranges, stream mode's first read (last byte held until the hash matched),
 * a corrupt store file on its first read (never complete), a client that leaves mid-body (file
 * closed), and TLS or {@code ironclad.serving.zero-copy=false} (no region: the pump's road).
 */
class FileRegionServingTest {

    private static final String REPO = "zero/copy";

    @TempDir
    Path dir;

    private final Random random = new Random(15);
    private StorageDriver driver;

    @Test
    void verifiedFilesAndRangesGoOutAsRegionsOverKeepAliveAndPipelinedRequests() throws Exception {
        byte[] blob = bytes(3 << 20);
        byte[] other = bytes(70_000);
        try (Sidecar sidecar = sidecar(Map.of())) {
            Oci.pushMonolithic(sidecar, REPO, blob);
            Oci.pushMonolithic(sidecar, REPO, other);
            FileRegionStats stats = sidecar.bean(FileRegionStats.class);
            try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
                socket.setSoTimeout(30_000); // a wrong stream fails the test instead of hanging it
                String pipelined = get(blob, null) + get(other, "bytes=100-69999") + get(blob, "bytes=1048576-")
                        + get(blob, null) + "GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n";
                socket.getOutputStream().write(pipelined.getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();

                assertBody(Reply.read(in), 200, blob);
                Reply range = Reply.read(in);
                assertBody(range, 206, Arrays.copyOfRange(other, 100, 70_000));
                assertThat(range.headers()).containsEntry("content-range", "bytes 100-69999/70000");
                assertBody(Reply.read(in), 206, Arrays.copyOfRange(blob, 1 << 20, blob.length));
                assertBody(Reply.read(in), 200, blob);
                assertThat(Reply.read(in).status()).as("the request after the regions").isEqualTo(200);
            }
            assertThat(stats.regions()).as("every blob GET took the file region path").isEqualTo(4);
            assertThat(stats.heldBack()).as("spool mode hashes before the first byte").isZero();
            Await.until("every region's file closed", Duration.ofSeconds(10), () -> stats.openFiles() == 0);
        }
    }

    @Test
    void streamModeSendsAFirstReadWhileHashingItAndTheLastByteOnceItVerified() throws Exception {
        byte[] blob = bytes(32 << 20);
        try (Sidecar sidecar = sidecar(Map.of("ironclad.verification-mode", "stream"))) {
            Oci.pushMonolithic(sidecar, REPO, blob);
            FileRegionStats stats = sidecar.bean(FileRegionStats.class);
            try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
                socket.setSoTimeout(30_000); // a wrong stream fails the test instead of hanging it
                // the small answer to the second request is ready long before the 32 MiB hash that
                // releases the first one's only byte: it must still come after it
                String pipelined = get(blob, "bytes=0-0") + "GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n" + get(blob, null)
                        + get(blob, "bytes=100-199");
                socket.getOutputStream().write(pipelined.getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                assertBody(Reply.read(in), 206, Arrays.copyOf(blob, 1));
                Reply api = Reply.read(in);
                assertThat(api.status()).isEqualTo(200);
                assertThat(new String(api.body(), StandardCharsets.UTF_8)).isEqualTo("{}");
                assertBody(Reply.read(in), 200, blob);
                assertBody(Reply.read(in), 206, Arrays.copyOfRange(blob, 100, 200));
            }
            assertThat(stats.regions()).isEqualTo(3);
            // the requests are routed concurrently: the later ones may find the version verified already
            assertThat(stats.heldBack()).as("first reads held their last byte for the hash").isBetween(1L, 3L);
            assertThat(stats.aborted()).isZero();
            Await.until("every region's file closed", Duration.ofSeconds(10), () -> stats.openFiles() == 0);
        }
    }

    @Test
    void aCorruptStoreFileOnItsFirstReadIsNeverServedComplete() throws Exception {
        byte[] blob = bytes(4 << 20);
        try (Sidecar sidecar = sidecar(Map.of("ironclad.verification-mode", "stream"))) {
            Oci.pushMonolithic(sidecar, REPO, blob);
            corruptKeepingMetadata(blob);
            FileRegionStats stats = sidecar.bean(FileRegionStats.class);
            try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
                socket.setSoTimeout(30_000); // a wrong stream fails the test instead of hanging it
                socket.getOutputStream().write(get(blob, null).getBytes(StandardCharsets.US_ASCII));
                InputStream in = socket.getInputStream();
                Reply head = Reply.readHead(in);
                assertThat(head.status()).isEqualTo(200);
                byte[] received = in.readAllBytes(); // until the server closes the connection
                assertThat(received.length).as("the body stops short of its length").isLessThan(blob.length);
            }
            assertThat(stats.aborted()).isEqualTo(1);
            Await.until("the corrupt file closed", Duration.ofSeconds(10), () -> stats.openFiles() == 0);
        }
    }

    @Test
    void aClientLeavingMidBodyLeavesNoFileOpen() throws Exception {
        byte[] blob = bytes(48 << 20);
        try (Sidecar sidecar = sidecar(Map.of())) {
            Oci.pushMonolithic(sidecar, REPO, blob);
            FileRegionStats stats = sidecar.bean(FileRegionStats.class);
            try (Socket socket = new Socket("127.0.0.1", sidecar.port())) {
                socket.setSoTimeout(30_000); // a wrong stream fails the test instead of hanging it
                socket.setReceiveBufferSize(64 << 10);
                socket.getOutputStream().write(get(blob, null).getBytes(StandardCharsets.US_ASCII));
                Reply head = Reply.readHead(socket.getInputStream());
                assertThat(head.status()).isEqualTo(200);
                assertThat(socket.getInputStream().readNBytes(1 << 16)).hasSize(1 << 16);
                assertThat(stats.openFiles()).as("the region is still being sent").isEqualTo(1);
            }
            Await.until("the region's file closed after the client left", Duration.ofSeconds(10), () -> stats.openFiles() == 0);
            assertThat(Oci.get(sidecar, "/v2/" + REPO + "/blobs/" + digest(blob)).body()).isEqualTo(blob);
            assertThat(stats.regions()).isEqualTo(2);
        }
    }

    @Test
    void overTlsBlobsTakeThePumpAndNoRegion() throws Exception {
        TestKeys server = TestKeys.generate(dir.resolve("server"), "server", "EC");
        byte[] blob = bytes(2 << 20);
        try (Sidecar sidecar = sidecar(Map.of("ironclad.tls.cert-file", server.certFile().toString(),
                "ironclad.tls.key-file", server.keyFile().toString()))) {
            HttpClient tls = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trusting(server)).build();
            String base = "https://127.0.0.1:" + sidecar.port() + "/v2/" + REPO + "/blobs/";
            String location = tls.send(HttpRequest.newBuilder(java.net.URI.create(base + "uploads/?digest=" + digest(blob)))
                    .header("Content-Type", "application/octet-stream").POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.discarding())
                    .headers().firstValue("Location").orElseThrow();
            assertThat(location).contains(digest(blob));
            HttpResponse<byte[]> read = tls.send(HttpRequest.newBuilder(java.net.URI.create(base + digest(blob))).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(read.statusCode()).isEqualTo(200);
            assertThat(read.body()).isEqualTo(blob);
            assertThat(sidecar.bean(FileRegionStats.class).regions()).as("sendfile would bypass TLS").isZero();
        }
    }

    @Test
    void switchedOffBlobsTakeThePump() throws Exception {
        byte[] blob = bytes(1 << 20);
        try (Sidecar sidecar = sidecar(Map.of("ironclad.serving.zero-copy", "false"))) {
            Oci.pushMonolithic(sidecar, REPO, blob);
            assertThat(Oci.get(sidecar, "/v2/" + REPO + "/blobs/" + digest(blob)).body()).isEqualTo(blob);
            assertThat(sidecar.bean(FileRegionStats.class).regions()).isZero();
        }
    }

    private Sidecar sidecar(Map<String, Object> settings) {
        driver = FilesystemDrivers.create(FilesystemDriverConfig.defaults(dir.resolve("store-" + UUID.randomUUID())));
        Map<String, Object> all = new HashMap<>(settings);
        return new Sidecar("jdbc:h2:mem:region-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1", driver, dir.resolve("data"), all);
    }

    /** Stores other bytes of the same length under the blob's key with its own integrity metadata (a new version). */
    private void corruptKeepingMetadata(byte[] blob) throws Exception {
        ObjectKey key = ObjectKey.of("blobs/sha256/" + digest(blob).substring(7, 9) + "/" + digest(blob).substring(7));
        ObjectInfo info = driver.stat(key, ReadOptions.FRESH);
        byte[] wrong = blob.clone();
        wrong[wrong.length / 2] ^= 0x5a;
        driver.put(key, Payload.ofBytes(wrong), PutOptions.of(info.userMetadata()));
    }

    private static SSLContext trusting(TestKeys server) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("server", server.certificate());
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    private static String get(byte[] blob, String range) {
        return "GET /v2/" + REPO + "/blobs/" + digest(blob) + " HTTP/1.1\r\nHost: x\r\n"
                + (range == null ? "" : "Range: " + range + "\r\n") + "\r\n";
    }

    private static void assertBody(Reply reply, int status, byte[] expected) {
        assertThat(reply.status()).isEqualTo(status);
        assertThat(reply.headers()).containsEntry("content-length", Integer.toString(expected.length))
                .doesNotContainKey("x-ironclad-file-region").doesNotContainKey("transfer-encoding");
        assertThat(reply.body()).isEqualTo(expected);
    }

    private byte[] bytes(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    /** One HTTP/1.1 response read off a raw socket: status, headers (lower-case names) and a Content-Length body. */
    private record Reply(int status, Map<String, String> headers, byte[] body) {

        static Reply read(InputStream in) throws IOException {
            Reply head = readHead(in);
            int length = Integer.parseInt(head.headers().getOrDefault("content-length", "0"));
            byte[] body = in.readNBytes(length);
            assertThat(body).as("a body of its Content-Length").hasSize(length);
            return new Reply(head.status(), head.headers(), body);
        }

        static Reply readHead(InputStream in) throws IOException {
            String[] lines = headText(in).split("\r\n");
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            return new Reply(Integer.parseInt(lines[0].split(" ")[1]), headers, new byte[0]);
        }

        private static String headText(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            int matched = 0;
            while (matched < 4) {
                int b = in.read();
                if (b < 0) {
                    throw new IOException("connection closed in a response head: " + head);
                }
                head.write(b);
                matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            }
            return head.toString(StandardCharsets.US_ASCII).trim();
        }
    }
}
