package io.ironclad.sidecar.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.sidecar.DataDirectory;
import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.ApplicationEventListener;
import io.micronaut.runtime.server.event.ServerStartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code <data-dir>/server.json}: how the operator commands find the sidecar that runs on their
 * data directory. Written once the HTTP server listens, and only when the database is the
 * embedded H2 file (which no other process can open while the server holds it; on PostgreSQL
 * the commands open the database themselves); removed when the server stops. A file left by a
 * process that died is ignored: its {@code pid} no longer runs.
 */
@Singleton
public final class ServerFile implements ApplicationEventListener<ServerStartupEvent> {

    /** The file's name in the data directory. */
    public static final String NAME = "server.json";

    private static final Logger LOG = LoggerFactory.getLogger(ServerFile.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final boolean embeddedDatabase;
    private volatile boolean written;

    ServerFile(DataDirectory dataDir, @Value("${datasources.default.url:}") String databaseUrl) {
        this.file = dataDir.path().resolve(NAME);
        this.embeddedDatabase = databaseUrl.startsWith("jdbc:h2:file:");
    }

    @Override
    public void onApplicationEvent(ServerStartupEvent event) {
        if (!embeddedDatabase) {
            return;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("url", event.getSource().getURI().toString());
        json.put("pid", ProcessHandle.current().pid());
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), NAME, ".tmp");
            JSON.writeValue(temp.toFile(), json);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            written = true;
        } catch (IOException e) {
            LOG.warn("cannot write {} (operator commands will not find this server; give them --server): {}", file, e.toString());
        }
    }

    @PreDestroy
    void remove() {
        if (written) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                LOG.warn("cannot remove {}: {}", file, e.toString());
            }
        }
    }

    /** The admin URL of the server running on {@code dataDir}, if its file is there and its process alive. */
    public static Optional<URI> read(Path dataDir) {
        Path file = dataDir.resolve(NAME);
        JsonNode json;
        try {
            json = JSON.readTree(file.toFile());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            LOG.warn("ignoring unreadable {}: {}", file, e.toString());
            return Optional.empty();
        }
        long pid = json.path("pid").asLong(-1);
        String url = json.path("url").asText("");
        boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        if (!alive || url.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(URI.create(url));
    }
}
