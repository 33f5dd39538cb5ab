package io.ironclad.sidecar;

import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.ops.events.DbEventListener;
import io.ironclad.sidecar.registry.BlobLayout;
import io.ironclad.sidecar.registry.Digests;
import static io.ironclad.sidecar.Oci.digest;
import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.ForwardingStorageDriver;
import io.ironclad.driver.ObjectContent;
import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.ReadOptions;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.TransientStorageException;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Backend trouble never becomes 404 or 500: reads of a blob the database knows answer 503 with
 * Retry-After when the store is down or has lost the object, and HEAD keeps answering from the
 * database. Tag reads and 404s are not cacheable.
 */
class BackendTroubleTest {

    /** A store whose reads fail with a transient error while {@link #down} is set. */
    static final class SwitchableDriver extends ForwardingStorageDriver {
        final AtomicBoolean down = new AtomicBoolean();

        SwitchableDriver(StorageDriver delegate) {
            super(delegate);
        }

        @Override
        public ObjectInfo stat(ObjectKey key, ReadOptions options) throws StorageException {
            failIfDown(key);
            return super.stat(key, options);
        }

        @Override
        public ObjectContent open(ObjectKey key, ReadOptions options) throws StorageException {
            failIfDown(key);
            return super.open(key, options);
        }

        private void failIfDown(ObjectKey key) throws StorageException {
            if (down.get()) {
                throw new TransientStorageException(name(), key, "backend unavailable (injected)");
            }
        }
    }

    @Test
    void unavailableOrLostObjectsAre503AndHeadStillAnswers() throws Exception {
        SwitchableDriver driver = new SwitchableDriver(InMemoryDrivers.create());
        String db = "jdbc:h2:mem:trouble-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Sidecar sidecar = new Sidecar(db, driver, Files.createTempDirectory("ironclad-trouble"))) {
            byte[] blob = "some layer bytes".getBytes(StandardCharsets.UTF_8);
            Oci.pushMonolithic(sidecar, "trouble/repo", blob);
            String path = "/v2/trouble/repo/blobs/" + digest(blob);

            driver.down.set(true);
            HttpResponse<byte[]> get = Oci.get(sidecar, path);
            assertThat(get.statusCode()).isEqualTo(503);
            assertThat(get.headers().firstValue("Retry-After")).isPresent();
            assertThat(Oci.head(sidecar, path).statusCode()).isEqualTo(200);

            driver.down.set(false);
            driver.delete(BlobLayout.key(Digests.sha256(blob)));
            HttpResponse<byte[]> lost = Oci.get(sidecar, path);
            assertThat(lost.statusCode()).as("known to the database, missing in the store").isEqualTo(503);
            sidecar.bean(DbEventListener.class).flush();
            assertThat(sidecar.bean(Metadata.class).recentEvents(1000)).extracting(Metadata.EventView::kind).contains("timeout");

            HttpResponse<byte[]> unknown = Oci.get(sidecar, "/v2/trouble/repo/manifests/nope");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.headers().firstValue("Cache-Control")).hasValue("no-store");
        }
    }
}
