package io.ironclad.driver.fs;

import io.ironclad.driver.ObjectInfo;
import io.ironclad.driver.ObjectKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The on-disk format of one object: a header (magic, header length, {@code name=value} lines
 * with key, size, etag, write time and user metadata) followed by the data. Data and metadata
 * live in one file that is renamed into place atomically, so no reader can pair one version's
 * bytes with another version's metadata.
 */
final class ObjectFile {

    private static final byte[] MAGIC = "ICFS1\n".getBytes(StandardCharsets.US_ASCII);
    private static final int PREFIX = MAGIC.length + Integer.BYTES;
    private static final int MAX_HEADER = 1 << 20;
    private static final String META = "m.";

    private ObjectFile() {
    }

    /** Encodes the header that precedes {@code info.size()} data bytes. */
    static ByteBuffer header(ObjectInfo info) {
        byte[] body = body(info);
        ByteBuffer buffer = ByteBuffer.allocate(PREFIX + body.length);
        buffer.put(MAGIC).putInt(body.length).put(body).flip();
        return buffer;
    }

    /**
     * The header padded to exactly {@code length} bytes with blank lines (which {@link #read}
     * skips), for data written after a reserved area; empty if the header needs more.
     */
    static Optional<ByteBuffer> header(ObjectInfo info, int length) {
        byte[] body = body(info);
        if (PREFIX + body.length > length) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.allocate(length);
        buffer.put(MAGIC).putInt(length - PREFIX).put(body);
        while (buffer.hasRemaining()) {
            buffer.put((byte) '\n');
        }
        return Optional.of(buffer.flip());
    }

    private static byte[] body(ObjectInfo info) {
        StringBuilder lines = new StringBuilder();
        line(lines, "key", info.key().value());
        line(lines, "size", Long.toString(info.size()));
        line(lines, "etag", info.etag());
        line(lines, "written", Long.toString(info.lastModified().toEpochMilli()));
        new TreeMap<>(info.userMetadata()).forEach((name, value) -> line(lines, META + name, value));
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Reads the header at the start of {@code channel}; leaves the channel positioned at the data. */
    static Header read(FileChannel channel) throws IOException {
        ByteBuffer prefix = readFully(channel, 0, PREFIX);
        byte[] magic = new byte[MAGIC.length];
        prefix.get(magic);
        int length = prefix.getInt();
        if (!java.util.Arrays.equals(magic, MAGIC) || length < 0 || length > MAX_HEADER) {
            throw new IOException("not an Ironclad object file (bad header)");
        }
        ByteBuffer body = readFully(channel, PREFIX, length);
        String text = StandardCharsets.UTF_8.decode(body).toString();
        Map<String, String> fields = new TreeMap<>();
        Map<String, String> metadata = new TreeMap<>();
        for (String line : text.split("\n")) {
            int eq = line.indexOf('=');
            if (eq < 1) {
                continue;
            }
            String name = line.substring(0, eq);
            String value = line.substring(eq + 1);
            if (name.startsWith(META)) {
                metadata.put(name.substring(META.length()), value);
            } else {
                fields.put(name, value);
            }
        }
        ObjectInfo info = new ObjectInfo(ObjectKey.of(required(fields, "key")), Long.parseLong(required(fields, "size")),
                required(fields, "etag"), Instant.ofEpochMilli(Long.parseLong(required(fields, "written"))), metadata);
        long dataOffset = PREFIX + (long) length;
        if (channel.size() != dataOffset + info.size()) {
            throw new IOException("object file holds " + (channel.size() - dataOffset) + " data bytes, header says " + info.size());
        }
        channel.position(dataOffset);
        return new Header(info, dataOffset);
    }

    record Header(ObjectInfo info, long dataOffset) {
    }

    private static String required(Map<String, String> fields, String name) throws IOException {
        String value = fields.get(name);
        if (value == null) {
            throw new IOException("object file header lacks '" + name + "'");
        }
        return value;
    }

    private static void line(StringBuilder lines, String name, String value) {
        // keys and metadata values never contain '\n' (ObjectKey forbids control characters,
        // PutOptions allows printable ASCII only), so one line per field is unambiguous
        lines.append(name).append('=').append(value).append('\n');
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new IOException("object file truncated in its header");
            }
        }
        return buffer.flip();
    }
}
