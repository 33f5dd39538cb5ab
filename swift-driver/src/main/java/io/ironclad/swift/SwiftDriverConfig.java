package io.ironclad.swift;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;

/**
 * How to reach one Swift container. Start from {@link #tempAuth} or {@link #keystoneV3} and adjust
 * with the {@code with...} methods; every other setting has a default that suits a registry.
 *
 * @param authUrl TempAuth URL ({@code http://host:8080/auth/v1.0}) or Keystone v3 URL ({@code https://keystone:5000/v3})
 * @param authVersion which of the two {@code authUrl} speaks
 * @param user TempAuth {@code account:user}, or the Keystone user name
 * @param key TempAuth key or Keystone password
 * @param project Keystone project to scope the token to; empty for TempAuth
 * @param projectDomain Keystone domain of the project (default {@code Default})
 * @param userDomain Keystone domain of the user (default {@code Default})
 * @param region Keystone catalog region of the object-store endpoint; empty takes the first one offered
 * @param endpointInterface Keystone catalog interface of the endpoint (default {@link EndpointInterface#PUBLIC})
 * @param container the container objects live in
 * @param segmentsContainer the container Static Large Object segments live in (default {@code <container>+segments})
 * @param segmentSize puts larger than this become Static Large Objects of segments this large
 *     (default 64 MiB, at most Swift's 5 GiB object limit)
 * @param connectTimeout TCP connect timeout (default 10 s)
 * @param requestTimeout time until response headers arrive, which for a PUT includes sending its
 *     whole body (default 5 min, enough for a 5 GiB segment at ~20 MB/s)
 * @param poolSize requests (including open read streams) in flight at once per driver (default 64)
 * @param createContainers create {@code container} and {@code segmentsContainer} if missing (default true)
 * @param conditionalCreate whether the server enforces {@code If-None-Match: *} on PUT (default true, as
 *     Swift does); false for servers that ignore it, such as Ceph RGW's Swift API, so the driver
 *     reports no {@link io.ironclad.driver.Capability#CONDITIONAL_CREATE} instead of overwriting
 */
public record SwiftDriverConfig(
        URI authUrl,
        AuthVersion authVersion,
        String user,
        String key,
        String project,
        String projectDomain,
        String userDomain,
        String region,
        EndpointInterface endpointInterface,
        String container,
        String segmentsContainer,
        long segmentSize,
        Duration connectTimeout,
        Duration requestTimeout,
        int poolSize,
        boolean createContainers,
        boolean conditionalCreate) {

    /** Swift's largest single object (and therefore segment), {@code max_file_size}. */
    public static final long MAX_SEGMENT_SIZE = 5L * 1024 * 1024 * 1024;
    public static final long DEFAULT_SEGMENT_SIZE = 64L * 1024 * 1024;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofMinutes(5);
    public static final int DEFAULT_POOL_SIZE = 64;
    /** Keystone's default domain, of the user and of the project unless configured. */
    public static final String DEFAULT_DOMAIN = "Default";

    /** The protocol {@link #authUrl()} speaks. */
    public enum AuthVersion {
        /** Swift TempAuth / Ceph RGW: {@code GET /auth/v1.0} with {@code X-Auth-User} and {@code X-Auth-Key}. */
        V1,
        /** Keystone v3 password authentication with project scope, through OpenStack4j. */
        V3
    }

    /** Which URL of the Keystone catalog's object-store endpoint to use. */
    public enum EndpointInterface {
        PUBLIC, INTERNAL, ADMIN
    }

    public SwiftDriverConfig {
        requireNonNull(authUrl, "authUrl is null");
        requireNonNull(authVersion, "authVersion is null");
        requireNonNull(user, "user is null");
        requireNonNull(key, "key is null");
        requireNonNull(project, "project is null");
        requireNonNull(projectDomain, "projectDomain is null");
        requireNonNull(userDomain, "userDomain is null");
        requireNonNull(region, "region is null");
        requireNonNull(endpointInterface, "endpointInterface is null");
        requireNonNull(container, "container is null");
        requireNonNull(segmentsContainer, "segmentsContainer is null");
        requireNonNull(connectTimeout, "connectTimeout is null");
        requireNonNull(requestTimeout, "requestTimeout is null");
        requireContainerName("container", container);
        requireContainerName("segmentsContainer", segmentsContainer);
        if (container.equals(segmentsContainer)) {
            throw new IllegalArgumentException("segmentsContainer must differ from container '" + container + "'");
        }
        if (segmentSize < 1 || segmentSize > MAX_SEGMENT_SIZE) {
            throw new IllegalArgumentException("segmentSize must be 1.." + MAX_SEGMENT_SIZE + " (Swift's object size limit), got " + segmentSize);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
        if (poolSize < 1) {
            throw new IllegalArgumentException("poolSize must be positive, got " + poolSize);
        }
        if (authVersion == AuthVersion.V3 && project.isEmpty()) {
            throw new IllegalArgumentException("Keystone v3 needs a project to scope the token to");
        }
    }

    /** TempAuth (v1) to {@code authUrl} as {@code user} (e.g. {@code test:tester}), everything else default. */
    public static SwiftDriverConfig tempAuth(URI authUrl, String user, String key, String container) {
        return new SwiftDriverConfig(authUrl, AuthVersion.V1, user, key, "", DEFAULT_DOMAIN, DEFAULT_DOMAIN, "", EndpointInterface.PUBLIC,
                container, container + "+segments", DEFAULT_SEGMENT_SIZE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_POOL_SIZE, true, true);
    }

    /** Keystone v3 password authentication scoped to {@code project}, users and project in domain {@code Default}. */
    public static SwiftDriverConfig keystoneV3(URI authUrl, String user, String password, String project, String container) {
        return new SwiftDriverConfig(authUrl, AuthVersion.V3, user, password, project, DEFAULT_DOMAIN, DEFAULT_DOMAIN, "", EndpointInterface.PUBLIC,
                container, container + "+segments", DEFAULT_SEGMENT_SIZE, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT,
                DEFAULT_POOL_SIZE, true, true);
    }

    public SwiftDriverConfig withDomains(String newProjectDomain, String newUserDomain) {
        return new SwiftDriverConfig(authUrl, authVersion, user, key, project, newProjectDomain, newUserDomain, region, endpointInterface,
                container, segmentsContainer, segmentSize, connectTimeout, requestTimeout, poolSize, createContainers, conditionalCreate);
    }

    public SwiftDriverConfig withEndpoint(String newRegion, EndpointInterface newInterface) {
        return new SwiftDriverConfig(authUrl, authVersion, user, key, project, projectDomain, userDomain, newRegion, newInterface,
                container, segmentsContainer, segmentSize, connectTimeout, requestTimeout, poolSize, createContainers, conditionalCreate);
    }

    public SwiftDriverConfig withSegmentsContainer(String value) {
        return new SwiftDriverConfig(authUrl, authVersion, user, key, project, projectDomain, userDomain, region, endpointInterface,
                container, value, segmentSize, connectTimeout, requestTimeout, poolSize, createContainers, conditionalCreate);
    }

    public SwiftDriverConfig withSegmentSize(long value) {
        return new SwiftDriverConfig(authUrl, authVersion, user, key, project, projectDomain, userDomain, region, endpointInterface,
                container, segmentsContainer, value, connectTimeout, requestTimeout, poolSize, createContainers, conditionalCreate);
    }

    public SwiftDriverConfig withTimeouts(Duration connect, Duration request) {
        return new SwiftDriverConfig(authUrl, authVersion, user, key, project, projectDomain, userDomain, region, endpointInterface,
                container, segmentsContainer, segmentSize, connect, request, poolSize, createContainers, conditionalCreate);
    }

    public SwiftDriverConfig withPoolSize(int value) {
        return new SwiftDriverConfig(authUrl, authVersion, user, key, project, projectDomain, userDomain, region, endpointInterface,
                container, segmentsContainer, segmentSize, connectTimeout, requestTimeout, value, createContainers, conditionalCreate);
    }

    public SwiftDriverConfig withCreateContainers(boolean value) {
        return new SwiftDriverConfig(authUrl, authVersion, user, key, project, projectDomain, userDomain, region, endpointInterface,
                container, segmentsContainer, segmentSize, connectTimeout, requestTimeout, poolSize, value, conditionalCreate);
    }

    public SwiftDriverConfig withConditionalCreate(boolean value) {
        return new SwiftDriverConfig(authUrl, authVersion, user, key, project, projectDomain, userDomain, region, endpointInterface,
                container, segmentsContainer, segmentSize, connectTimeout, requestTimeout, poolSize, createContainers, value);
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "SwiftDriverConfig[authUrl=" + authUrl + ", authVersion=" + authVersion + ", user=" + user + ", project=" + project
                + ", region=" + region + ", interface=" + endpointInterface + ", container=" + container
                + ", segmentsContainer=" + segmentsContainer + ", segmentSize=" + segmentSize + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", poolSize=" + poolSize + ", createContainers=" + createContainers
                + ", conditionalCreate=" + conditionalCreate + "]";
    }

    private static void requireContainerName(String what, String name) {
        // Swift: at most 256 bytes, no '/'
        if (name.isEmpty() || name.contains("/") || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 256) {
            throw new IllegalArgumentException(what + " must be 1..256 bytes without '/', got '" + name + "'");
        }
    }
}
