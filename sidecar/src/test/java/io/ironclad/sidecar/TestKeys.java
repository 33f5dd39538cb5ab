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
        Files.createDirectories(dir);
        Path store = dir.resolve(name + ".p12");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> command = new java.util.ArrayList<>(List.of(keytool, "-genkeypair", "-alias", name, "-keyalg", algorithm,
                "-dname", "CN=" + name, "-validity", "2", "-ext", "san=ip:127.0.0.1,dns:localhost",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit"));
        command.addAll(algorithm.equals("EC") ? List.of("-groupname", "secp256r1") : List.of("-keysize", "2048"));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
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

    static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
