package io.ironclad.sidecar.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ironclad.sidecar.registry.ManifestService;
import io.ironclad.sidecar.registry.OciGrammar;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import jakarta.inject.Singleton;
import java.util.List;

/** {@code GET /v2/<name>/tags/list}: a repository's tags in order, paged ({@link Paging}). */
@Singleton
final class TagListHandler {

    private final ManifestService manifests;
    private final ObjectMapper json;

    TagListHandler(ManifestService manifests, ObjectMapper json) {
        this.manifests = manifests;
        this.json = json;
    }

    HttpResponse<?> list(RegistryPath.Tags target, HttpRequest<?> request) {
        Paging page = Paging.of(request, OciGrammar::tag);
        List<String> tags = manifests.tags(target.name(), page.last(), page.limit());
        ObjectNode body = json.createObjectNode();
        body.put("name", target.name());
        body.putPOJO("tags", tags);
        return page.link(Responses.json(json, body).header("Cache-Control", Responses.NO_STORE), "/v2/" + target.name() + "/tags/list", tags);
    }
}
