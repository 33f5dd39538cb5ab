package io.ironclad.sidecar.writeback;

import io.ironclad.sidecar.DataDirectory;
import io.micronaut.runtime.server.EmbeddedServer;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * This replica's write-back place: its {@link WritebackArea} under {@code <data-dir>/writeback},
 * its {@link OwnerIdentity} and the address other replicas read its pending blobs at. Made on
 * first use, so a replica with write-back off creates nothing on disk.
 */
@Singleton
final class WritebackHome {

    private final Path root;
    private final WritebackSettings settings;
    private final Provider<EmbeddedServer> server;
    private volatile WritebackArea area;
    private volatile String owner;

    WritebackHome(DataDirectory data, WritebackSettings settings, Provider<EmbeddedServer> server) {
        this.root = data.path().resolve("writeback");
        this.settings = settings;
        this.server = server;
    }

    synchronized WritebackArea area() {
        if (area == null) {
            try {
                area = new WritebackArea(root, settings.maxBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("opening the write-back area " + root + ": " + e.getMessage(), e);
            }
        }
        return area;
    }

    String owner() {
        String known = owner;
        if (known == null) {
            synchronized (this) {
                try {
                    known = owner == null ? OwnerIdentity.of(root) : owner;
                } catch (IOException e) {
                    throw new UncheckedIOException("reading the write-back owner id under " + root + ": " + e.getMessage(), e);
                }
                owner = known;
            }
        }
        return known;
    }

    /** {@code ironclad.writeback.advertise-url}, or this server's own address when it is empty. */
    String url() {
        if (!settings.advertiseUrl().isBlank()) {
            return settings.advertiseUrl().replaceAll("/+$", "");
        }
        EmbeddedServer s = server.get();
        return s.getScheme() + "://" + s.getHost() + ":" + s.getPort();
    }
}
