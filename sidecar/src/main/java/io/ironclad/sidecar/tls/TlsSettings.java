package io.ironclad.sidecar.tls;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.server.netty.ssl.ServerSslBuilder;
import io.micronaut.http.ssl.ServerSslConfiguration;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import jakarta.inject.Singleton;
import java.io.File;
import java.util.Optional;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TLS from PEM files, as certbot writes them: {@code ironclad.tls.cert-file} (the certificate
 * chain, {@code fullchain.pem}), {@code ironclad.tls.key-file} (the PKCS#8 private key,
 * {@code privkey.pem}) and, for mutual TLS, {@code ironclad.tls.client-ca-file} (clients must
 * present a certificate issued by one of these CAs). When set, the sidecar speaks only HTTPS on
 * its port ({@code micronaut.server.port}); the files are read when it starts.
 */
@Singleton
@Requires(property = "ironclad.tls.cert-file")
final class TlsSettings implements ServerSslBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(TlsSettings.class);

    private final ServerSslConfiguration configuration;
    private final File certFile;
    private final File keyFile;
    private final String clientCaFile;

    /**
     * {@code ironclad.tls.*} as bound.
     *
     * @param certFile PEM certificate chain; set: the port speaks HTTPS only
     * @param keyFile PKCS#8 private key of the certificate
     * @param clientCaFile PEM CA certificates; set: clients must present a certificate they issued (mutual TLS)
     */
    @ConfigurationProperties("ironclad.tls")
    record TlsFiles(@Bindable(defaultValue = "") String certFile, @Bindable(defaultValue = "") String keyFile,
            @Bindable(defaultValue = "") String clientCaFile) {
    }

    TlsSettings(ServerSslConfiguration configuration, TlsFiles files, @Value("${micronaut.server.port:5000}") int port) {
        String certFile = files.certFile() == null ? "" : files.certFile();
        String keyFile = files.keyFile() == null ? "" : files.keyFile();
        String clientCaFile = files.clientCaFile() == null ? "" : files.clientCaFile();
        if (keyFile.isBlank()) {
            throw new ConfigurationException("ironclad.tls.cert-file is set but ironclad.tls.key-file is not");
        }
        this.certFile = readable(certFile, "ironclad.tls.cert-file");
        this.keyFile = readable(keyFile, "ironclad.tls.key-file");
        this.clientCaFile = clientCaFile;
        if (!clientCaFile.isBlank()) {
            readable(clientCaFile, "ironclad.tls.client-ca-file");
        }
        configuration.setEnabled(true);
        configuration.setPort(port); // HTTPS replaces HTTP on the configured port
        this.configuration = configuration;
    }

    private static File readable(String path, String setting) {
        File file = new File(path);
        if (!file.canRead()) {
            throw new ConfigurationException(setting + " " + path + " is not a readable file");
        }
        return file;
    }

    @Override
    public ServerSslConfiguration getSslConfiguration() {
        return configuration;
    }

    @Override
    public Optional<SslContext> build() {
        try {
            SslContextBuilder builder = SslContextBuilder.forServer(certFile, keyFile);
            if (!clientCaFile.isBlank()) {
                builder.trustManager(new File(clientCaFile)).clientAuth(ClientAuth.REQUIRE);
            }
            SslContext context = builder.build();
            LOG.info("TLS on: certificate {}{}", certFile, clientCaFile.isBlank() ? "" : ", client certificates from " + clientCaFile);
            return Optional.of(context);
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigurationException("cannot use ironclad.tls.cert-file " + certFile + " / key-file " + keyFile
                    + " (PEM, PKCS#8 key): " + e.getMessage(), e);
        }
    }
}
