package io.ironclad.sidecar.http;

import io.ironclad.sidecar.http.body.Spooler;
import io.ironclad.sidecar.metadata.Metadata.ManifestRow;
import io.ironclad.sidecar.notifications.Action;
import io.ironclad.sidecar.notifications.Notifications;
import io.ironclad.sidecar.notifications.Target;
import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.ManifestService;
import io.ironclad.sidecar.registry.OciGrammar;
import io.ironclad.sidecar.registry.RegistryException;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code /v2/<name>/manifests/<reference>}: GET, HEAD, PUT and DELETE of a manifest by tag or
 * digest. A manifest body is received whole (at most {@link ManifestService#MANIFEST_LIMIT}); by
 * digest it may be cached for good, by tag not at all.
 */
@Singleton
final class ManifestHandler {

    private final ManifestService manifests;
    private final Notifications notifications;
    private final ProxyHooks proxy;
    private final Spooler spooler;
    private final AfterBody afterBody;

    ManifestHandler(ManifestService manifests, Notifications notifications, ProxyHooks proxy, Spooler spooler, AfterBody afterBody) {
        this.manifests = manifests;
        this.notifications = notifications;
        this.proxy = proxy;
        this.spooler = spooler;
        this.afterBody = afterBody;
    }

    /** GET ({@code withBody}) or HEAD. */
    HttpResponse<?> get(RegistryPath.Manifest manifest, HttpRequest<?> request, boolean withBody) {
        proxy.beforeManifest(manifest);
        ManifestRow row = manifests.manifest(manifest.name(), manifest.reference());
        if (withBody) {
            notifications.record(request, Action.PULL, target(manifest, row));
        }
        String cacheControl = manifest.byDigest() ? Responses.IMMUTABLE : Responses.NO_STORE;
        if (Responses.notModified(request, row.digest())) {
            return Responses.notModified(row.digest(), cacheControl);
        }
        MutableHttpResponse<?> response = withBody ? HttpResponse.ok(row.content()) : HttpResponse.ok();
        response.contentType(row.mediaType()).contentLength(row.content().length);
        Responses.content(response, row.digest(), cacheControl);
        row.subject().ifPresent(s -> response.header("OCI-Subject", s.toString()));
        return response;
    }

    /** Receives the body on the event loop, then validates and stores it on the blocking pool. */
    CompletableFuture<HttpResponse<?>> put(RegistryPath.Manifest manifest, HttpRequest<?> request) {
        proxy.refuseWrite(manifest.name());
        CompletableFuture<Spooler.RequestPayload> body = spooler.receive(request, ManifestService.MANIFEST_LIMIT, size ->
                new RegistryException(ErrorCode.MANIFEST_TOO_LARGE, "manifest is larger than " + ManifestService.MANIFEST_LIMIT + " bytes"));
        return afterBody.run(body, payload -> {
            ManifestRow row = manifests.put(manifest.name(), manifest.reference(), request.getHeaders().get("Content-Type"), payload.bytes());
            notifications.record(request, Action.PUSH, target(manifest, row));
            MutableHttpResponse<?> response = HttpResponse.status(HttpStatus.CREATED)
                    .header("Location", "/v2/" + manifest.name() + "/manifests/" + row.digest())
                    .header("Docker-Content-Digest", row.digest().toString());
            row.subject().ifPresent(s -> response.header("OCI-Subject", s.toString()));
            return response;
        });
    }

    /** Deletes the manifest (by digest) or the tag. */
    HttpResponse<?> delete(RegistryPath.Manifest manifest, HttpRequest<?> request) {
        proxy.refuseWrite(manifest.name());
        manifests.delete(manifest.name(), manifest.reference());
        boolean byDigest = manifest.byDigest();
        notifications.record(request, Action.DELETE, Target.deletedManifest(manifest.name(),
                byDigest ? Optional.of(OciGrammar.digest(manifest.reference())) : Optional.empty(),
                byDigest ? Optional.empty() : Optional.of(manifest.reference())));
        return HttpResponse.accepted();
    }

    private static Target target(RegistryPath.Manifest manifest, ManifestRow row) {
        Optional<String> tag = manifest.byDigest() ? Optional.empty() : Optional.of(manifest.reference());
        return Target.manifest(manifest.name(), row.digest(), row.mediaType(), row.content().length, tag);
    }
}
