package io.ironclad.s3;

import io.ironclad.driver.Capabilities;
import io.ironclad.driver.StorageDriver;
import io.ironclad.driver.StorageException;
import io.ironclad.driver.spi.DriverContext;
import io.ironclad.driver.spi.DriverPlan;
import io.ironclad.driver.spi.SettingsView;
import io.ironclad.driver.spi.StorageDriverProvider;
import java.net.URI;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ironclad.driver.type=s3}: binds {@code ironclad.driver.s3.*} into an
 * {@link S3DriverConfig}, whose record holds every default not declared here. Without an
 * endpoint the store is AWS, its endpoint derived from the region; without keys the SDK's
 * default credential chain applies. Creating the driver reaches the server (bucket check, probe).
 */
public final class S3DriverProvider implements StorageDriverProvider {

    public static final String TYPE = "s3";
    private static final String P = SETTINGS_PREFIX + TYPE + ".";
    public static final String BUCKET = P + "bucket";
    public static final String CREATE_BUCKET = P + "create-bucket";
    public static final String DEFAULT_BUCKET = "ironclad";

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public DriverPlan plan(SettingsView settings, DriverContext context) {
        return new Plan(config(settings));
    }

    /** A tool that only reads must not create a mistyped bucket. */
    @Override
    public Map<String, String> inspectionDefaults() {
        return Map.of(CREATE_BUCKET, "false");
    }

    /** The S3 driver configuration in {@code settings} ({@code ironclad.driver.s3.*}). */
    public static S3DriverConfig config(SettingsView settings) {
        Optional<String> accessKey = settings.string(P + "access-key");
        S3DriverConfig config = S3DriverConfig.aws(settings.string(P + "region", S3DriverConfig.DEFAULT_REGION), settings.string(BUCKET, DEFAULT_BUCKET))
                .withEndpoint(settings.uri(P + "endpoint"));
        if (accessKey.isPresent()) {
            config = config.withCredentials(accessKey.get(), settings.required(P + "secret-key"));
        }
        return config.withPathStyle(settings.flag(P + "path-style", config.pathStyle()))
                .withChecksums(settings.choice(P + "request-checksums", config.requestChecksums()),
                        settings.choice(P + "response-checksums", config.responseChecksums()))
                .withSendSha256Checksum(settings.flag(P + "send-sha256-checksum", config.sendSha256Checksum()))
                .withPartSize(settings.number(P + "part-size", config.partSize()))
                .withFreshnessEndpoint(settings.uri(P + "freshness-endpoint"))
                .withTimeouts(settings.duration(P + "connect-timeout", config.connectTimeout()),
                        settings.duration(P + "request-timeout", config.requestTimeout()))
                .withMaxConnections((int) settings.number(P + "max-connections", config.maxConnections()))
                .withCreateBucket(settings.flag(CREATE_BUCKET, config.createBucket()))
                .withConditionalCreate(settings.choice(P + "conditional-create", config.conditionalCreate()));
    }

    private record Plan(S3DriverConfig config) implements DriverPlan {

        @Override
        public String name() {
            return S3Drivers.NAME;
        }

        @Override
        public String describe() {
            return "s3 store at " + config.endpoint().map(URI::toString).orElse("AWS") + " (bucket " + config.bucket() + ")";
        }

        @Override
        public boolean connectsOnCreate() {
            return true;
        }

        @Override
        public Capabilities capabilitiesBeforeConnect() {
            return S3Drivers.capabilitiesBeforeProbe(config);
        }

        @Override
        public StorageDriver create() throws StorageException {
            return S3Drivers.create(config);
        }
    }
}
