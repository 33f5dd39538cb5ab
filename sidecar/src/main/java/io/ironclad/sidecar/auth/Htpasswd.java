package io.ironclad.sidecar.auth;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.crypto.generators.OpenBSDBCrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An htpasswd file of bcrypt entries ({@code user:$2y$...} as {@code htpasswd -B} writes them),
 * re-read when its modification time or size changes. Any other hash kind (MD5 {@code $apr1$},
 * SHA1 {@code {SHA}}, crypt, plain text) is refused when the file is read: at startup that stops
 * the sidecar; on a later change the previous content stays in force and the error is logged.
 * A password that verified once is remembered (as a salted SHA-256, never as text) until the
 * user's entry changes, so clients sending Basic credentials on every request cost one bcrypt.
 */
public final class Htpasswd {

    private static final Logger LOG = LoggerFactory.getLogger(Htpasswd.class);
    private static final int REMEMBERED_MAX = 10_000;
    /** What unknown users' passwords are compared against; cost 5 is htpasswd -B's default. */
    private static final String UNKNOWN_USER = OpenBSDBCrypt.generate("2y", "no such user".toCharArray(), randomSalt(), 5);

    private final Path file;
    private final byte[] salt = new byte[16];
    private final Map<String, byte[]> verified = new ConcurrentHashMap<>();
    private volatile Snapshot snapshot;

    private record Snapshot(FileTime modified, long size, Map<String, String> hashes) {
    }

    /** Reads {@code file}; an unreadable file or an entry that is not bcrypt is an {@link IllegalStateException}. */
    public Htpasswd(Path file) {
        this.file = file;
        new SecureRandom().nextBytes(salt);
        this.snapshot = read();
    }

    private static byte[] randomSalt() {
        byte[] salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        return salt;
    }

    /** Whether {@code password} is {@code user}'s (bcrypt compare, or the remembered result). */
    public boolean check(String user, String password) {
        String hash = current().hashes().get(user);
        if (hash == null) {
            OpenBSDBCrypt.checkPassword(UNKNOWN_USER, password.toCharArray()); // as slow as a known user: no user probing by timing
            return false;
        }
        String key = user + '\0' + hash;
        byte[] fingerprint = fingerprint(password);
        byte[] known = verified.get(key);
        if (known != null) {
            return MessageDigest.isEqual(known, fingerprint);
        }
        if (!OpenBSDBCrypt.checkPassword(hash, password.toCharArray())) {
            return false;
        }
        if (verified.size() >= REMEMBERED_MAX) {
            verified.clear();
        }
        verified.put(key, fingerprint);
        return true;
    }

    /** The users in the file as last read. */
    public List<String> users() {
        return List.copyOf(current().hashes().keySet());
    }

    private Snapshot current() {
        Snapshot last = snapshot;
        try {
            if (!Files.getLastModifiedTime(file).equals(last.modified()) || Files.size(file) != last.size()) {
                Snapshot next = read();
                snapshot = next;
                LOG.info("re-read {}: {} users", file, next.hashes().size());
                return next;
            }
        } catch (IOException | IllegalStateException e) {
            LOG.error("keeping the previous content of {}: {}", file, e.getMessage());
        }
        return last;
    }

    private Snapshot read() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            return new Snapshot(modified, size, parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the htpasswd file " + file + ": " + e, e);
        }
    }

    /** Parses htpasswd lines; {@code source} names the file in error messages. */
    static Map<String, String> parse(List<String> lines, String source) {
        Map<String, String> hashes = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon <= 0) {
                throw new IllegalStateException(source + " line " + (i + 1) + ": not user:hash");
            }
            String user = line.substring(0, colon);
            String hash = line.substring(colon + 1);
            if (!hash.matches("\\$2[aby]\\$\\d\\d\\$[./A-Za-z0-9]{53}")) {
                throw new IllegalStateException(source + " line " + (i + 1) + " (user '" + user
                        + "'): only bcrypt entries are accepted (write them with htpasswd -B)");
            }
            hashes.put(user, hash);
        }
        return Map.copyOf(hashes);
    }

    private byte[] fingerprint(String password) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(salt);
            return sha.digest(password.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
