package io.ironclad.sidecar.proxy;

import java.io.InputStream;

/**
 * An uncached blob as its upstream fetch delivers it: {@code size} bytes, each sent as it
 * arrives, the last one only once all of them matched the digest; a wrong or failed body ends
 * {@code body} with an IOException before its end, so a client never completes wrong bytes. The
 * reader closes {@code body}.
 */
public record LiveBlob(long size, InputStream body) {
}
