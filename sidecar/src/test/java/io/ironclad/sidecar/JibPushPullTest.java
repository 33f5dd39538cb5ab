package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.TarImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import io.ironclad.driver.memory.InMemoryDrivers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real client: Jib Core builds an image from scratch, pushes it to the sidecar, then builds a tar from the pushed image. */
@Tag("integration")
class JibPushPullTest {

    @Test
    void pushesAnImageAndPullsItBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("hello.txt");
        Files.writeString(file, "hello from jib " + UUID.randomUUID());
        String db = "jdbc:h2:mem:jib-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Sidecar sidecar = new Sidecar(db, InMemoryDrivers.create(), dir.resolve("data"))) {
            String image = "127.0.0.1:" + sidecar.port() + "/jib/app:v1";
            JibContainer pushed = Jib.fromScratch()
                    .addLayer(List.of(file), AbsoluteUnixPath.get("/app"))
                    .setEntrypoint("/app/hello.txt")
                    .containerize(Containerizer.to(RegistryImage.named(image)).setAllowInsecureRegistries(true)
                            .setBaseImageLayersCache(dir.resolve("cache-base")).setApplicationLayersCache(dir.resolve("cache-app")));
            assertThat(Oci.get(sidecar, "/v2/jib/app/manifests/" + pushed.getDigest()).statusCode()).isEqualTo(200);

            Path tar = dir.resolve("pulled.tar");
            JibContainer pulled = Jib.from(RegistryImage.named(image))
                    .containerize(Containerizer.to(TarImage.at(tar).named("pulled:v1")).setAllowInsecureRegistries(true)
                            .setBaseImageLayersCache(dir.resolve("cache-pull")).setApplicationLayersCache(dir.resolve("cache-pull-app")));
            assertThat(pulled.getImageId()).isEqualTo(pushed.getImageId());
            assertThat(Files.size(tar)).isPositive();
        }
    }
}
