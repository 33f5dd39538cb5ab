package io.ironclad.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar serving on PostgreSQL (a new schema of the test database, configured by
 * {@code --config}): the server writes no {@code server.json}, and {@code gc} on the same
 * configuration opens the database itself beside the running server.
 */
@Tag("integration")
class PostgresBesideServerJarTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void gcOpensPostgresDirectlyBesideTheServingJar() throws Exception {
        String base = System.getenv("IRONCLAD_PG_URL");
        base = base == null || base.isBlank() ? "jdbc:postgresql://127.0.0.1:5432/test" : base;
        String schema = "ironclad_cli_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        Path data = temp.resolve("data");
        // Flyway creates the schema it is given; the application's connections use it as their current schema
        Path config = Files.writeString(temp.resolve("pg.yml"), String.join("\n",
                "ironclad:", "  data-dir: " + data, "  delete:", "    enabled: true",
                "datasources:", "  default:", "    url: \"" + url + "\"", "    username: postgres", "    password: \"\"",
                "flyway:", "  datasources:", "    default:", "      schemas: " + schema, ""));
        IroncladJar jar = new IroncladJar();
        int port = IroncladJar.freePort();
        Process server = jar.serve(port, temp.resolve("serve.log"), "--config", config.toString());
        try {
            assertThat(data.resolve("server.json")).as("only a server on the embedded H2 advertises itself").doesNotExist();
            URI uri = URI.create("http://127.0.0.1:" + port);
            HttpClient http = HttpClient.newHttpClient();
            byte[] blob = "postgres layer".getBytes(StandardCharsets.UTF_8);
            String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(blob));
            HttpResponse<String> pushed = http.send(HttpRequest.newBuilder(uri.resolve("/v2/pg/app/blobs/uploads/?digest=" + digest))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(blob)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(pushed.statusCode()).as(pushed.body()).isEqualTo(201);
            assertThat(http.send(HttpRequest.newBuilder(uri.resolve("/v2/pg/app/blobs/" + digest)).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode()).isEqualTo(202);

            IroncladJar.Run gc = jar.run("gc", "--config", config.toString(), "--grace-period", "0s");
            assertThat(gc.exitCode()).as(gc.err()).isZero();
            assertThat(gc.err()).doesNotContain("running on the server");
            JsonNode summary = JSON.readTree(gc.out());
            assertThat(summary.get("collected").asInt()).isEqualTo(1);
            assertThat(summary.get("blobs").get(0).get("digest").asText()).isEqualTo(digest);
            assertThat(http.send(HttpRequest.newBuilder(uri.resolve("/v2/pg/app/blobs/" + digest)).method("HEAD",
                    HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode())
                    .as("the server sees the collection").isEqualTo(404);
        } finally {
            IroncladJar.stop(server);
        }
    }
}
