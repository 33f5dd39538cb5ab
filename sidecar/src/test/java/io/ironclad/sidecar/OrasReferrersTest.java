package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.ironclad.driver.memory.InMemoryDrivers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import land.oras.ArtifactType;
import land.oras.ContainerRef;
import land.oras.LocalPath;
import land.oras.Manifest;
import land.oras.ManifestDescriptor;
import land.oras.Referrers;
import land.oras.Registry;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real client: the ORAS Java SDK pushes an artifact, attaches a second one with it as subject, and lists referrers. */
@Tag("integration")
class OrasReferrersTest {

    @Test
    void attachedArtifactIsListedAsReferrer(@TempDir Path dir) throws Exception {
        Path sbom = Files.writeString(dir.resolve("sbom.json"), "{\"sbom\":\"" + UUID.randomUUID() + "\"}");
        Path signature = Files.writeString(dir.resolve("sig.txt"), "signed " + UUID.randomUUID());
        String db = "jdbc:h2:mem:oras-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        try (Sidecar sidecar = new Sidecar(db, InMemoryDrivers.create(), dir.resolve("data"))) {
            Registry registry = Registry.builder().insecure().build();
            ContainerRef ref = ContainerRef.parse("127.0.0.1:" + sidecar.port() + "/oras/artifact:v1");
            Manifest subject = registry.pushArtifact(ref, ArtifactType.from("application/vnd.example.sbom"), LocalPath.of(sbom));
            Manifest attached = registry.attachArtifact(ref, ArtifactType.from("application/vnd.example.signature"), LocalPath.of(signature));
            assertThat(attached.getSubject()).isNotNull();

            ContainerRef byDigest = ContainerRef.parse("127.0.0.1:" + sidecar.port() + "/oras/artifact@" + attached.getSubject().getDigest());
            Referrers all = registry.getReferrers(byDigest, null);
            assertThat(all.getManifests()).extracting(ManifestDescriptor::getArtifactType)
                    .containsExactly("application/vnd.example.signature");
            Referrers none = registry.getReferrers(byDigest, ArtifactType.from("application/other"));
            assertThat(none.getManifests()).isEmpty();
            assertThat(registry.getManifest(ref).getLayers()).hasSize(1);
            assertThat(subject.getArtifactType().getMediaType()).isEqualTo("application/vnd.example.sbom");
        }
    }
}
