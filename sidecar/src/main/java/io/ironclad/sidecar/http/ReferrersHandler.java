package io.ironclad.sidecar.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ironclad.sidecar.metadata.Metadata.ManifestRow;
import io.ironclad.sidecar.registry.ManifestService;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.Optional;

/**
 * {@code GET /v2/<name>/referrers/<digest>[?artifactType=]}: an image index of descriptors of the
 * manifests whose subject is the digest, filtered by artifact type when asked.
 */
@Singleton
final class ReferrersHandler {

    private static final String INDEX = "application/vnd.oci.image.index.v1+json";

    private final ManifestService manifests;
    private final ObjectMapper json;

    ReferrersHandler(ManifestService manifests, ObjectMapper json) {
        this.manifests = manifests;
        this.json = json;
    }

    HttpResponse<?> list(RegistryPath.Referrers target, HttpRequest<?> request) {
        Optional<String> artifactType = Optional.ofNullable(request.getParameters().get("artifactType"));
        ObjectNode index = json.createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", INDEX);
        ArrayNode descriptors = index.putArray("manifests");
        for (ManifestService.Referrer referrer : manifests.referrers(target.name(), target.subject(), artifactType)) {
            ManifestRow row = referrer.manifest();
            ObjectNode descriptor = descriptors.addObject();
            descriptor.put("mediaType", row.mediaType());
            descriptor.put("digest", row.digest().toString());
            descriptor.put("size", row.content().length);
            row.artifactType().ifPresent(t -> descriptor.put("artifactType", t));
            referrer.annotations().ifPresent(a -> descriptor.set("annotations", a));
        }
        MutableHttpResponse<?> response = Responses.json(json, index, INDEX);
        if (artifactType.isPresent()) {
            response.header("OCI-Filters-Applied", "artifactType");
        }
        return response;
    }
}
