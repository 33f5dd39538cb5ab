package io.ironclad.s3;

import java.net.URI;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStoreContext;

/**
 * S3Proxy inside the test JVM: an in-memory ({@code transient}) blob store behind a real S3
 * HTTP endpoint with SigV4 authentication on 127.0.0.1 and a free port. One per JVM, started on
 * first use; its threads end with the JVM.
 */
final class S3ProxyServer {

    static final String ACCESS_KEY = "s3proxy-access";
    static final String SECRET_KEY = "s3proxy-secret";

    private static S3ProxyServer instance;

    private final S3Proxy proxy;
    private final URI endpoint;

    private S3ProxyServer(S3Proxy proxy, URI endpoint) {
        this.proxy = proxy;
        this.endpoint = endpoint;
    }

    static synchronized S3ProxyServer get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    URI endpoint() {
        return endpoint;
    }

    /** A driver configuration for {@code bucket} on this server, creating the bucket. */
    S3DriverConfig config(String bucket) {
        return S3DriverConfig.of(endpoint, bucket, ACCESS_KEY, SECRET_KEY).withCreateBucket(true);
    }

    private static S3ProxyServer start() {
        BlobStoreContext context = ContextBuilder.newBuilder("transient")
                .credentials("identity", "credential")
                .build(BlobStoreContext.class);
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(context.getBlobStore())
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
                .build();
        try {
            proxy.start();
        } catch (Exception e) {
            throw new IllegalStateException("S3Proxy did not start", e);
        }
        return new S3ProxyServer(proxy, URI.create("http://127.0.0.1:" + proxy.getPort()));
    }

    @Override
    public String toString() {
        return "S3Proxy at " + endpoint + " (" + proxy.getState() + ")";
    }
}
