package io.ironclad.sidecar.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/** The SSL context for one upstream: the JDK's trusted CAs, plus a CA file, or (insecure) anything. */
final class UpstreamTls {

    private UpstreamTls() {
    }

    static SSLContext context(UpstreamSettings settings) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            if (settings.insecure()) {
                context.init(null, new TrustManager[] {new TrustingAnything()}, null);
            } else if (settings.caFile() != null && !settings.caFile().isBlank()) {
                context.init(null, trustManagers(Path.of(settings.caFile())), null);
            } else {
                return SSLContext.getDefault();
            }
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("upstream " + settings.name() + ": cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** The JDK's CAs and those of {@code caFile}. */
    private static TrustManager[] trustManagers(Path caFile) throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        TrustManagerFactory defaults = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        defaults.init((KeyStore) null);
        int n = 0;
        for (TrustManager tm : defaults.getTrustManagers()) {
            if (tm instanceof X509TrustManager x509) {
                for (X509Certificate ca : x509.getAcceptedIssuers()) {
                    store.setCertificateEntry("jdk-" + n++, ca);
                }
            }
        }
        try (InputStream in = Files.newInputStream(caFile)) {
            for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ca-file-" + n++, ca);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        return factory.getTrustManagers();
    }

    /**
     * Accepts every certificate. Being an extended trust manager also turns off the host name
     * check, which JSSE performs inside the trust manager.
     */
    private static final class TrustingAnything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
