package io.ironclad.sidecar;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A key pair with a self-signed certificate, made by the JDK's {@code keytool} (the JDK has no
 * API to issue certificates), written as PEM files the way certbot writes them.
 */
record TestKeys(PrivateKey privateKey, X509Certificate certificate, Path certFile, Path keyFile) {

    /** {@code algorithm} is {@code RSA} or {@code EC}; the certificate names 127.0.0.1 and localhost. */
    static TestKeys generate(Path dir, String name, String algorithm) throws Exception {
        return generate(dir, name, algorithm, "san=ip:127.0.0.1,dns:localhost");
    }

    /** A certificate authority (basic constraints CA:true) to {@link #issue} certificates with. */
    static TestKeys authority(Path dir, String name) throws Exception {
        return generate(dir, name, "EC", "bc:c=ca:true");
    }

    /** A key whose certificate {@code ca} (made by {@link #authority} in {@code dir}) signs. */
    static TestKeys issue(TestKeys ca, Path dir, String name) throws Exception {
        TestKeys self = generate(dir, name, "EC");
        Path csr = dir.resolve(name + ".csr");
        Path issued = dir.resolve(name + ".cer");
        keytool(List.of("-certreq", "-alias", name, "-keystore", store(dir, name), "-storepass", "changeit", "-file", csr.toString()));
        String caName = ca.certFile().getFileName().toString().replace(".crt", "");
        keytool(List.of("-gencert", "-alias", caName, "-keystore", store(ca.certFile().getParent(), caName), "-storepass", "changeit",
                "-infile", csr.toString(), "-outfile", issued.toString(), "-validity", "2", "-ext", "san=ip:127.0.0.1"));
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(issued)) {
            cert = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        Files.writeString(self.certFile(), pem("CERTIFICATE", cert.getEncoded()));
        return new TestKeys(self.privateKey(), cert, self.certFile(), self.keyFile());
    }

    private static TestKeys generate(Path dir, String name, String algorithm, String extension) throws Exception {
        Files.createDirectories(dir);
        List<String> command = new java.util.ArrayList<>(List.of("-genkeypair", "-alias", name, "-keyalg", algorithm,
                "-dname", "CN=" + name, "-validity", "2", "-ext", extension,
                "-keystore", store(dir, name), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit"));
        command.addAll(algorithm.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048"));
        keytool(command);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(Path.of(store(dir, name)))) {
            keys.load(in, "changeit".toCharArray());
        }
        PrivateKey key = (PrivateKey) keys.getKey(name, "changeit".toCharArray());
        X509Certificate cert = (X509Certificate) keys.getCertificate(name);
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        return new TestKeys(key, cert, certFile, keyFile);
    }

    private static String store(Path dir, String name) {
        return dir.resolve(name + ".p12").toString();
    }

    private static void keytool(List<String> args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool " + args.get(0) + " failed: " + output);
        }
    }

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
