package io.ironclad.chaos;

/** Figures for one {@link OpKind}: counts, bytes moved and latency percentiles in milliseconds. */
record KindStats(long count, long ok, long notOk, long bytes, double p50Millis, double p99Millis) {
}
