package io.ironclad.chaos;

/**
 * Per-key replication lag, as written in a scenario's JSON. For {@code millis} after the proxy
 * forwarded a successful PUT, COPY or DELETE of an object, each GET or HEAD of it is, with
 * {@code probability}, answered as a replica that has not seen the write would: with the
 * previous version (kept in a temp file when it was at most {@code previousMaxBytes}) or 404.
 *
 * @param millis lag window after a write
 * @param probability chance a read within the window is stale
 * @param previousMaxBytes previous versions up to this size are kept and served; 0 keeps none (reads then get 404)
 * @param honourNewest requests with {@code X-Newest: true} read fresh, as Swift's proxy asks every replica for them (default true)
 * @param listings container listings within the window omit objects created in it, with the same probability
 */
record LagSpec(long millis, double probability, long previousMaxBytes, Boolean honourNewest, boolean listings) {

    LagSpec {
        if (millis < 0 || probability < 0 || probability > 1 || previousMaxBytes < 0) {
            throw new IllegalArgumentException("lag: need millis >= 0, probability in 0..1, previousMaxBytes >= 0");
        }
        honourNewest = honourNewest == null || honourNewest;
    }

    static LagSpec none() {
        return new LagSpec(0, 0, 0, true, false);
    }

    boolean active() {
        return millis > 0 && probability > 0;
    }
}
