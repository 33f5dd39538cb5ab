package io.ironclad.chaos;

import io.ironclad.chaos.CrashClient.Ack;
import io.ironclad.chaos.CrashClient.Read;
import io.ironclad.chaos.CrashClient.Reply;
import io.ironclad.chaos.CrashWorker.Interrupted;
import io.ironclad.chaos.CrashWorker.TagWrite;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What must hold after each restart, checked against a {@link CrashWorker}'s writes:
 * <ul>
 * <li>every acknowledged blob and manifest answers 200 and its body hashes to its digest;</li>
 * <li>a blob that was pushed but not acknowledged is absent or, if served, hashes right;</li>
 * <li>a tag resolves to the value of its last acknowledged write or of a write after it whose
 *     answer never came (in flight when the process died); writes answered otherwise (refused,
 *     or never sent) must have had no effect. The value seen then becomes the tag's known state;</li>
 * <li>an upload interrupted after its POST was acknowledged is still known, holds at least the
 *     acknowledged and at most the sent bytes, and can be resumed from there to a 201 (unless its
 *     final PUT was in flight and may have completed it).</li>
 * </ul>
 * Failures are collected as sentences, so one run reports every loss.
 */
final class CrashChecker {

    /** Counts over a run. */
    static final class Tally {
        int blobs;
        int manifests;
        int tags;
        int unacknowledgedServed;
        int uploadsResumed;
        int uploadsRestarted;
        final List<String> lost = new ArrayList<>();

        /** Adds {@code other}'s counts to these. */
        void add(Tally other) {
            blobs += other.blobs;
            manifests += other.manifests;
            tags += other.tags;
            unacknowledgedServed += other.unacknowledgedServed;
            uploadsResumed += other.uploadsResumed;
            uploadsRestarted += other.uploadsRestarted;
            lost.addAll(other.lost);
        }

        @Override
        public String toString() {
            return "acknowledged blobs checked " + blobs + ", manifests " + manifests + ", tag states " + tags
                    + ", unacknowledged blobs served (hashing right) " + unacknowledgedServed + ", interrupted uploads resumed "
                    + uploadsResumed + ", restarted after a PUT cut short " + uploadsRestarted + ", lost " + lost.size();
        }
    }

    private final CrashClient client;
    private final Tally tally;

    CrashChecker(CrashClient client, Tally tally) {
        this.client = client;
        this.tally = tally;
    }

    /** Checks the blobs and manifests from index {@code fromBlob}/{@code fromManifest} on, every tag, and every interrupted upload. */
    void check(CrashWorker w, int fromBlob, int fromManifest) throws IOException, InterruptedException {
        resumeUploads(w);
        for (String digest : slice(w.ackedBlobs, fromBlob)) {
            expectContent(w.repo, "blobs", digest);
            tally.blobs++;
        }
        for (String digest : slice(w.ackedConfigs, 0)) {
            expectContent(w.repo, "blobs", digest);
        }
        for (String digest : slice(w.ackedManifests, fromManifest)) {
            expectContent(w.repo, "manifests", digest);
            tally.manifests++;
        }
        for (CrashWorker.Attempt attempt : w.attempts) {
            int status = client.head("/v2/" + w.repo + "/blobs/" + attempt.digest());
            if (status == 200) {
                expectContent(w.repo, "blobs", attempt.digest());
                tally.unacknowledgedServed++;
            } else if (status != 404) {
                tally.lost.add("unacknowledged blob " + attempt.digest() + " in " + w.repo + ": HEAD " + status);
            }
        }
        w.attempts.clear();
        for (Map.Entry<String, List<TagWrite>> tag : w.tags.entrySet()) {
            checkTag(w.repo, tag.getKey(), tag.getValue());
            tally.tags++;
        }
    }

    private void checkTag(String repo, String tag, List<TagWrite> writes) throws IOException, InterruptedException {
        int last = 0;
        for (int i = 0; i < writes.size(); i++) {
            if (writes.get(i).ack() == Ack.ACKED) {
                last = i;
            }
        }
        Set<Optional<String>> allowed = new LinkedHashSet<>();
        allowed.add(writes.get(last).value());
        writes.subList(last + 1, writes.size()).stream().filter(w -> w.ack() == Ack.UNKNOWN).forEach(w -> allowed.add(w.value()));
        Read read = client.get("/v2/" + repo + "/manifests/" + tag, true);
        Optional<String> seen;
        if (read.status() == 404) {
            seen = Optional.empty();
        } else if (read.status() == 200 && read.sha256().isPresent()) {
            seen = read.sha256();
        } else {
            tally.lost.add("tag " + repo + ":" + tag + " answered " + read.status());
            return;
        }
        if (!allowed.contains(seen)) {
            tally.lost.add("tag " + repo + ":" + tag + " is " + seen.orElse("absent") + ", allowed " + allowed + " (writes " + writes + ")");
        }
        writes.clear();
        writes.add(new TagWrite(seen, Ack.ACKED));   // what the restarted sidecar serves is the new known state
    }

    private void resumeUploads(CrashWorker w) throws IOException, InterruptedException {
        for (Interrupted upload : w.interrupted) {
            Reply status = client.uploadStatus(upload.location());
            if (status.status() == 404 && upload.finishing()) {
                continue;   // the final PUT was in flight and completed the upload, or not: both are allowed
            }
            if (status.ack() != Ack.ACKED || status.range().isEmpty()) {
                tally.lost.add("upload " + upload.location() + " (acknowledged " + upload.acked() + " bytes) answered " + status.answer());
                continue;
            }
            long held = held(status.range().get());
            if (held < upload.acked() || held > upload.sent()) {
                tally.lost.add("upload " + upload.location() + " holds " + held + " bytes; acknowledged " + upload.acked() + ", sent " + upload.sent());
                continue;
            }
            String location = status.location().orElse(upload.location());
            if (held < upload.content().length) {
                Reply rest = client.patch(location, Arrays.copyOfRange(upload.content(), (int) held, upload.content().length), held);
                if (rest.ack() != Ack.ACKED) {
                    tally.lost.add("resuming upload " + location + " at " + held + ": PATCH answered " + rest.answer());
                    continue;
                }
                location = rest.location().orElse(location);
            }
            String digest = Digests.of(upload.content());
            Reply done = client.finish(location, digest);
            if (done.ack() != Ack.ACKED && upload.finishing()) {
                restart(w, upload, done);
                continue;
            }
            if (done.ack() != Ack.ACKED) {
                tally.lost.add("finishing resumed upload " + location + ": PUT answered " + done.answer() + " (held " + held + " of " + upload.content().length + ", acknowledged " + upload.acked() + ", sent " + upload.sent() + ", finishing " + upload.finishing() + ")");
                continue;
            }
            w.resumed(digest);
            tally.uploadsResumed++;
        }
        w.interrupted.clear();
    }

    /**
     * The upload's final PUT was in flight when the process died, so it may have consumed the
     * parts before the session row was deleted; a retried PUT then finds the session but not its
     * parts (404 BLOB_UPLOAD_UNKNOWN), and a client restarts the upload, as the spec says. The blob
     * is either there already (the PUT got as far as recording it) or pushed again.
     */
    private void restart(CrashWorker w, Interrupted upload, Reply retried) throws IOException, InterruptedException {
        String digest = Digests.of(upload.content());
        if (client.head("/v2/" + w.repo + "/blobs/" + digest) != 200) {
            Reply again = client.pushBlob(w.repo, digest, upload.content());
            if (again.ack() != Ack.ACKED) {
                tally.lost.add("restarting upload of " + digest + " after its retried PUT answered " + retried.answer()
                        + ": push answered " + again.answer());
                return;
            }
        }
        w.resumed(digest);
        tally.uploadsRestarted++;
    }

    /** Bytes an upload holds from its {@code Range: 0-<last>} (chunks here are never 1 byte, so {@code 0-0} is empty). */
    private static long held(String range) {
        long last = Long.parseLong(range.substring(range.indexOf('-') + 1));
        return last == 0 ? 0 : last + 1;
    }

    private void expectContent(String repo, String kind, String digest) throws IOException, InterruptedException {
        Read read = client.get("/v2/" + repo + "/" + kind + "/" + digest, kind.equals("manifests"));
        if (read.status() != 200 || !read.sha256().equals(Optional.of(digest))) {
            tally.lost.add(kind + " " + digest + " in " + repo + ": status " + read.status() + ", body hashes to " + read.sha256().orElse("(broken off)"));
        }
    }

    private static <T> List<T> slice(List<T> list, int from) {
        return List.copyOf(list.subList(Math.min(from, list.size()), list.size()));
    }
}
