package io.ironclad.sidecar.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ironclad.sidecar.registry.ManifestService;
import io.ironclad.sidecar.registry.OciGrammar;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import jakarta.inject.Singleton;
import java.util.List;

/** {@code GET /v2/_catalog}: the repositories in order, paged ({@link Paging}). */
@Singleton
final class CatalogHandler {

    private final ManifestService manifests;
    private final ObjectMapper json;

    CatalogHandler(ManifestService manifests, ObjectMapper json) {
        this.manifests = manifests;
        this.json = json;
    }

    HttpResponse<?> list(HttpRequest<?> request) {
        Paging page = Paging.of(request, OciGrammar::name);
        List<String> repositories = manifests.catalog(page.last(), page.limit());
        ObjectNode body = json.createObjectNode();
        body.putPOJO("repositories", repositories);
        return page.link(Responses.json(json, body), "/v2/_catalog", repositories);
    }
}
