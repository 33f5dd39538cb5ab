package io.ironclad.chaos;

import java.util.ArrayList;
import java.util.List;

/**
 * What one client pushed to one tag, in order. Tags belong to one client, so after that client
 * got 201 for a manifest, a read of the tag must return it or something the client attempted
 * later (an unacknowledged PUT may still have been applied); an earlier one is stale; anything
 * the client never pushed is corrupt. Not thread-safe: used by its client only.
 */
final class TagState {

    private final List<String> attempts = new ArrayList<>();
    private int lastAcknowledged = -1;

    void attempted(String digest) {
        attempts.add(digest);
    }

    void acknowledged(String digest) {
        lastAcknowledged = attempts.lastIndexOf(digest);
    }

    boolean everAcknowledged() {
        return lastAcknowledged >= 0;
    }

    Outcome judge(String servedDigest) {
        int index = attempts.lastIndexOf(servedDigest);
        if (index < 0) {
            return Outcome.CORRUPT;
        }
        return index >= lastAcknowledged ? Outcome.OK : Outcome.STALE;
    }
}
