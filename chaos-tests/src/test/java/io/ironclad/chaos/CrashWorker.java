package io.ironclad.chaos;

import io.ironclad.chaos.CrashClient.Ack;
import io.ironclad.chaos.CrashClient.Reply;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;

/**
 * One client of the crash test: pushes into its own repository (monolithic and chunked blobs,
 * manifests under a few tags it alone writes, so their writes are ordered, tag overwrites and
 * deletes) and writes down what each request was answered. Runs in epochs: one per life of the
 * sidecar process; between epochs the {@link CrashChecker} reads this state.
 */
final class CrashWorker {

    /** A blob push that was not acknowledged: it may exist, and if it does it must hash right. */
    record Attempt(String digest) {
    }

    /** A chunked upload the crash interrupted after its POST was acknowledged. */
    record Interrupted(String location, byte[] content, long acked, long sent, boolean finishing) {
    }

    /** One write of a tag: the manifest digest it set (empty: deleted) and how it was answered. */
    record TagWrite(Optional<String> value, Ack ack) {
    }

    static final String[] TAGS = {"t0", "t1", "t2"};

    final String repo;
    private final Random random;
    final List<String> ackedBlobs = new ArrayList<>();
    /** Writes this worker had answered with success, for the test to open its kill window only after one (not counting resumed uploads). */
    final java.util.concurrent.atomic.AtomicInteger acknowledgements = new java.util.concurrent.atomic.AtomicInteger();
    final List<String> ackedConfigs = new ArrayList<>();
    final List<Attempt> attempts = new ArrayList<>();
    final List<Interrupted> interrupted = new ArrayList<>();
    final List<String> ackedManifests = new ArrayList<>();
    final Map<String, List<TagWrite>> tags = new LinkedHashMap<>();
    /** Answers that a valid request must never get (e.g. 400 MANIFEST_BLOB_UNKNOWN after a lost blob, or a 5xx). */
    final List<String> refusals = new ArrayList<>();
    private int counter;

    CrashWorker(String repo, long seed) {
        this.repo = repo;
        this.random = new Random(seed);
        for (String tag : TAGS) {
            tags.put(tag, new ArrayList<>(List.of(new TagWrite(Optional.empty(), Ack.ACKED))));
        }
    }

    /** Runs operations against {@code client} until {@code stop} says so. */
    void run(CrashClient client, BooleanSupplier stop) {
        while (!stop.getAsBoolean()) {
            int dice = random.nextInt(100);
            if (dice < 15 || ackedConfigs.isEmpty()) {
                pushMonolithic(client, config());
            } else if (dice < 40) {
                pushMonolithic(client, bytes(1024 + random.nextInt(60_000)));
            } else if (dice < 60) {
                pushChunked(client, bytes(8192 * (2 + random.nextInt(3)) + random.nextInt(8192)));
            } else if (dice < 90 && !ackedBlobs.isEmpty()) {
                putManifest(client, TAGS[random.nextInt(TAGS.length)]);
            } else {
                deleteTag(client, TAGS[random.nextInt(TAGS.length)]);
            }
        }
    }

    private void pushMonolithic(CrashClient client, byte[] content) {
        String digest = Digests.of(content);
        Reply reply = client.pushBlob(repo, digest, content);
        if (outcome(reply, "blob POST")) {
            (isConfig(content) ? ackedConfigs : ackedBlobs).add(digest);
            acknowledgements.incrementAndGet();
        } else {
            attempts.add(new Attempt(digest));
        }
    }

    private void pushChunked(CrashClient client, byte[] content) {
        Reply started = client.startUpload(repo);
        if (!outcome(started, "upload POST")) {
            return;
        }
        String location = started.location().orElseThrow();
        int chunk = 8192 + random.nextInt(8192);
        long acked = 0;
        while (acked < content.length) {
            int end = (int) Math.min(content.length, acked + chunk);
            Reply patched = client.patch(location, Arrays.copyOfRange(content, (int) acked, end), acked);
            if (!outcome(patched, "PATCH")) {
                interrupted.add(new Interrupted(location, content, acked, patched.ack() == Ack.UNKNOWN ? end : acked, false));
                return;
            }
            acked = end;
            location = patched.location().orElse(location);
        }
        String digest = Digests.of(content);
        Reply finished = client.finish(location, digest);
        if (outcome(finished, "upload PUT")) {
            ackedBlobs.add(digest);
            acknowledgements.incrementAndGet();
        } else {
            attempts.add(new Attempt(digest));
            interrupted.add(new Interrupted(location, content, acked, acked, finished.ack() == Ack.UNKNOWN));
        }
    }

    private void putManifest(CrashClient client, String tag) {
        byte[] manifest = manifest();
        Optional<String> digest = Optional.of(Digests.of(manifest));
        Reply reply = client.putManifest(repo, tag, manifest);
        boolean acked = outcome(reply, "manifest PUT");
        tags.get(tag).add(new TagWrite(digest, reply.ack()));
        if (acked) {
            ackedManifests.add(digest.get());
            acknowledgements.incrementAndGet();
        }
    }

    private void deleteTag(CrashClient client, String tag) {
        Reply reply = client.deleteTag(repo, tag);
        if (reply.status() == 404) {
            tags.get(tag).add(new TagWrite(Optional.empty(), Ack.REFUSED));   // was not there: no change
            return;
        }
        outcome(reply, "tag DELETE");
        tags.get(tag).add(new TagWrite(Optional.empty(), reply.ack()));
    }

    /** Whether the write was acknowledged; a refusal is written down (a valid request is never refused). */
    private boolean outcome(Reply reply, String what) {
        if (reply.ack() == Ack.REFUSED) {
            refusals.add(what + " answered " + reply.answer());
        }
        return reply.ack() == Ack.ACKED;
    }

    private byte[] manifest() {
        String config = ackedConfigs.get(random.nextInt(ackedConfigs.size()));
        StringBuilder layers = new StringBuilder();
        for (int i = 0, n = 1 + random.nextInt(2); i < n; i++) {
            String layer = ackedBlobs.get(random.nextInt(ackedBlobs.size()));
            layers.append(i == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"")
                    .append(layer).append("\",\"size\":").append(sizes.get(layer)).append('}');
        }
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + CrashClient.MANIFEST_TYPE + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":" + sizes.get(config)
                + "},\"layers\":[" + layers + "],\"annotations\":{\"n\":\"" + repo + "-" + (counter++) + "\"}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private final Map<String, Integer> sizes = new java.util.HashMap<>();

    /**
     * One image that references every blob this worker pushed and had acknowledged (one of its
     * configs as config), so that reachability GC must keep them all: a blob no manifest names is
     * garbage once its grace period is over, an acknowledged one that an image uses never is.
     */
    byte[] keepAllManifest() {
        String config = ackedConfigs.get(0);
        StringBuilder layers = new StringBuilder();
        java.util.List<String> kept = new ArrayList<>(ackedBlobs);
        kept.addAll(ackedConfigs.subList(1, ackedConfigs.size()));
        for (String layer : kept) {
            layers.append(layers.length() == 0 ? "" : ",").append("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"")
                    .append(layer).append("\",\"size\":").append(sizes.get(layer)).append('}');
        }
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + CrashClient.MANIFEST_TYPE + "\",\"config\":{\"mediaType\":"
                + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + config + "\",\"size\":" + sizes.get(config)
                + "},\"layers\":[" + layers + "],\"annotations\":{\"n\":\"" + repo + "-keep-all\"}}";
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private byte[] config() {
        String json = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]},\"n\":\""
                + repo + "-" + (counter++) + "\"}";
        return remember(json.getBytes(StandardCharsets.UTF_8));
    }

    private byte[] bytes(int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        b[0] = 0;   // never mistaken for a config (which starts with '{')
        return remember(b);
    }

    private byte[] remember(byte[] content) {
        sizes.put(Digests.of(content), content.length);
        return content;
    }

    /** Records a blob the checker finished from an interrupted upload. */
    void resumed(String digest) {
        ackedBlobs.add(digest);
    }

    private static boolean isConfig(byte[] content) {
        return content.length > 0 && content[0] == '{';
    }
}
