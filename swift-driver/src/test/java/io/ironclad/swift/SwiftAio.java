package io.ironclad.swift;

import io.ironclad.testsupport.OpsService;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * The real Swift all-in-one the integration tests run against: the one CI started (from the
 * {@code IRONCLAD_SWIFT_*} environment variables) or else one started here through
 * {@code ops/swift/aio.sh} under {@code target/}, once per JVM, stopped by a shutdown hook.
 * Also drives its fault controls (stopping and starting single servers).
 */
final class SwiftAio {

    private static SwiftAio instance;

    private final OpsService service;

    private SwiftAio(OpsService service) {
        this.service = service;
    }

    static synchronized SwiftAio get() {
        if (instance == null) {
            instance = new SwiftAio(OpsService.get("swift/aio.sh", "IRONCLAD_SWIFT_AUTH_URL"));
        }
        return instance;
    }

    URI authUrl() {
        return URI.create(required("IRONCLAD_SWIFT_AUTH_URL"));
    }

    /** The proxy that reads the zone-1 replica first. */
    URI affinityAuthUrl() {
        return URI.create(required("IRONCLAD_SWIFT_AFFINITY_AUTH_URL"));
    }

    String user() {
        return required("IRONCLAD_SWIFT_USER");
    }

    String key() {
        return required("IRONCLAD_SWIFT_KEY");
    }

    Path dir() {
        return Path.of(required("IRONCLAD_SWIFT_DIR"));
    }

    SwiftDriverConfig config(String container) {
        return SwiftDriverConfig.tempAuth(authUrl(), user(), key(), container);
    }

    SwiftDriverConfig affinityConfig(String container) {
        return SwiftDriverConfig.tempAuth(affinityAuthUrl(), user(), key(), container);
    }

    void stopServer(String name) {
        service.control("stop-server", dir().toString(), name);
    }

    void startServer(String name) {
        service.control("start-server", dir().toString(), name);
    }

    /**
     * The zone numbers (1-based, = server number) of the object servers holding the replicas of
     * {@code container/object}, primaries first, read from the ring.
     */
    List<Integer> objectZones(String account, String container, String object) {
        String python = """
                import sys
                from swift.common.ring import Ring
                ring = Ring(sys.argv[1], ring_name='object')
                part, nodes = ring.get_nodes(sys.argv[2], sys.argv[3], sys.argv[4])
                print(' '.join(str(n['zone']) for n in nodes))
                """;
        String out = OpsService.run(List.of("/usr/bin/python3", "-c", python, dir().resolve("etc").toString(), account, container, object));
        return java.util.Arrays.stream(out.trim().split(" ")).map(Integer::valueOf).toList();
    }

    /** The zone numbers of the container servers holding {@code container}. */
    List<Integer> containerZones(String account, String container) {
        String python = """
                import sys
                from swift.common.ring import Ring
                ring = Ring(sys.argv[1], ring_name='container')
                part, nodes = ring.get_nodes(sys.argv[2], sys.argv[3])
                print(' '.join(str(n['zone']) for n in nodes))
                """;
        String out = OpsService.run(List.of("/usr/bin/python3", "-c", python, dir().resolve("etc").toString(), account, container));
        return java.util.Arrays.stream(out.trim().split(" ")).map(Integer::valueOf).toList();
    }

    private String required(String name) {
        return service.setting(name);
    }
}
