package io.ironclad.sidecar.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.Digest;
import io.ironclad.sidecar.metadata.Metadata;
import io.ironclad.sidecar.metadata.Metadata.ManifestRow;
import io.ironclad.sidecar.registry.ManifestValidator.ValidatedManifest;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Manifests, tags, referrers and the catalog of repositories, all from the database. A pushed
 * manifest is validated by {@link ManifestValidator} and stored only when everything it references
 * is in its repository.
 */
@Singleton
public final class ManifestService {

    /** The largest manifest accepted (bytes): it is held in memory and stored in a database row. */
    public static final int MANIFEST_LIMIT = 4 << 20;

    /**
     * A manifest whose subject is the one asked for.
     *
     * @param manifest the stored manifest
     * @param annotations its {@code annotations} object, if it has one
     */
    public record Referrer(ManifestRow manifest, Optional<JsonNode> annotations) {
        public Referrer {
            requireNonNull(manifest, "manifest is null");
            requireNonNull(annotations, "annotations is null");
        }
    }

    private final Metadata metadata;
    private final ObjectMapper json;
    private final ManifestValidator validator;

    ManifestService(Metadata metadata, ObjectMapper json) {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.json = requireNonNull(json, "json is null");
        this.validator = new ManifestValidator(json);
    }

    /** The manifest a tag or digest names in {@code repository}; MANIFEST_UNKNOWN if there is none. */
    public ManifestRow manifest(String repository, String reference) {
        Digest digest = resolve(repository, reference);
        return metadata.findManifest(repository, digest)
                .orElseThrow(() -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN, reference + " is not in " + repository));
    }

    private Digest resolve(String repository, String reference) {
        if (OciGrammar.isDigest(reference)) {
            return OciGrammar.digest(reference);
        }
        return metadata.findTag(repository, reference)
                .orElseThrow(() -> new RegistryException(ErrorCode.MANIFEST_UNKNOWN, "tag " + reference + " is not in " + repository));
    }

    /**
     * Validates ({@link ManifestValidator}) and stores a manifest whose references are all in
     * {@code repository}; tags it when {@code reference} is a tag.
     */
    public ManifestRow put(String repository, String reference, String contentType, byte[] body) {
        Digest digest = Digests.sha256(body);
        if (OciGrammar.isDigest(reference) && !OciGrammar.digest(reference).equals(digest)) {
            throw new RegistryException(ErrorCode.DIGEST_INVALID, "manifest hashes to " + digest + ", not " + reference);
        }
        ValidatedManifest manifest = validator.validate(contentType, body);
        ManifestRow row = new ManifestRow(repository, digest, manifest.mediaType(), body, manifest.subject(), manifest.artifactType());
        List<Digest> blobs = manifest.isIndex() ? List.of() : manifest.references();
        List<Digest> children = manifest.isIndex() ? manifest.references() : List.of();
        Optional<String> tag = OciGrammar.isDigest(reference) ? Optional.empty() : Optional.of(reference);
        metadata.storeManifest(row, blobs, children, tag).ifPresent(missing -> {
            throw new RegistryException(ErrorCode.MANIFEST_BLOB_UNKNOWN, missing + " is not in " + repository);
        });
        return row;
    }

    /** Deletes the manifest a digest names, or only the tag; MANIFEST_UNKNOWN if there is none. */
    public void delete(String repository, String reference) {
        boolean deleted = OciGrammar.isDigest(reference)
                ? metadata.deleteManifest(repository, OciGrammar.digest(reference))
                : metadata.deleteTag(repository, reference);
        if (!deleted) {
            throw new RegistryException(ErrorCode.MANIFEST_UNKNOWN, reference + " is not in " + repository);
        }
    }

    /** At most {@code n} tags of {@code repository} after {@code last} ("" for the first page), in order; NAME_UNKNOWN for no such repository. */
    public List<String> tags(String repository, String last, int n) {
        if (!metadata.repositoryExists(repository)) {
            throw new RegistryException(ErrorCode.NAME_UNKNOWN, repository);
        }
        return metadata.tags(repository, last, n);
    }

    /** At most {@code n} repository names after {@code last} ("" for the first page), in order. */
    public List<String> catalog(String last, int n) {
        return metadata.repositories(last, n);
    }

    /** The manifests whose subject is {@code subject}, optionally of one artifact type. */
    public List<Referrer> referrers(String repository, Digest subject, Optional<String> artifactType) {
        List<Referrer> out = new ArrayList<>();
        for (ManifestRow row : metadata.referrers(repository, subject)) {
            if (artifactType.isPresent() && !artifactType.equals(row.artifactType())) {
                continue;
            }
            out.add(new Referrer(row, annotations(row.content())));
        }
        return out;
    }

    /** A stored manifest's annotations object (lenient: rows stored before stricter validation are served as they are). */
    private Optional<JsonNode> annotations(byte[] manifest) {
        try {
            JsonNode root = json.readTree(manifest);
            return Optional.ofNullable(root).map(r -> r.path("annotations")).filter(JsonNode::isObject);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
