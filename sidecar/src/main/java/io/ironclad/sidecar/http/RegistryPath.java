package io.ironclad.sidecar.http;

import io.ironclad.sidecar.registry.ErrorCode;
import io.ironclad.sidecar.registry.OciGrammar;
import io.ironclad.sidecar.registry.RegistryException;
import io.ironclad.driver.Digest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed {@code /v2/...} path: which resource of which repository a request addresses. */
sealed interface RegistryPath {

    String name();

    record Blob(String name, Digest digest) implements RegistryPath {
    }

    record Uploads(String name) implements RegistryPath {
    }

    record UploadSession(String name, String id) implements RegistryPath {
    }

    record Manifest(String name, String reference) implements RegistryPath {
        boolean byDigest() {
            return OciGrammar.isDigest(reference);
        }
    }

    record Tags(String name) implements RegistryPath {
    }

    record Referrers(String name, Digest subject) implements RegistryPath {
    }

    Pattern UPLOADS = Pattern.compile("(.+)/blobs/uploads/?");
    Pattern UPLOAD = Pattern.compile("(.+)/blobs/uploads/([A-Za-z0-9-]{1,64})");
    Pattern BLOB = Pattern.compile("(.+)/blobs/([^/]+)");
    Pattern MANIFEST = Pattern.compile("(.+)/manifests/([^/]+)");
    Pattern TAGS = Pattern.compile("(.+)/tags/list");
    Pattern REFERRERS = Pattern.compile("(.+)/referrers/([^/]+)");

    /** Parses the part after {@code /v2/}; an unknown shape or an invalid name is a {@link RegistryException}. */
    static RegistryPath parse(String path) {
        Matcher m;
        if ((m = UPLOADS.matcher(path)).matches()) {
            return new Uploads(OciGrammar.name(m.group(1)));
        }
        if ((m = UPLOAD.matcher(path)).matches()) {
            return new UploadSession(OciGrammar.name(m.group(1)), m.group(2));
        }
        if ((m = BLOB.matcher(path)).matches()) {
            return new Blob(OciGrammar.name(m.group(1)), OciGrammar.digest(m.group(2)));
        }
        if ((m = MANIFEST.matcher(path)).matches()) {
            String name = OciGrammar.name(m.group(1));
            String reference = m.group(2);
            if (OciGrammar.isDigest(reference)) {
                OciGrammar.digest(reference);
            } else {
                OciGrammar.tag(reference);
            }
            return new Manifest(name, reference);
        }
        if ((m = TAGS.matcher(path)).matches()) {
            return new Tags(OciGrammar.name(m.group(1)));
        }
        if ((m = REFERRERS.matcher(path)).matches()) {
            return new Referrers(OciGrammar.name(m.group(1)), OciGrammar.digest(m.group(2)));
        }
        throw new RegistryException(ErrorCode.NAME_INVALID, "no registry resource at /v2/" + path);
    }
}
