package io.ironclad.sidecar.proxy;

import io.ironclad.sidecar.metadata.ProxyImages;
import io.ironclad.sidecar.metadata.ProxyImages.CachedImage;
import io.ironclad.sidecar.metadata.ProxyTags;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cache size bound ({@code ironclad.proxy.max-bytes}): the blob collector calls it first in
 * every run, and it evicts the least recently used cached images until what the cached manifests
 * stand for is within the bound. Eviction deletes the cached manifest and the tags naming it in
 * that cached repository only; the same run's reachability pass then unlinks the blobs no
 * remaining manifest references (once their link is older than {@code ironclad.gc.grace-period})
 * and the collector deletes those no repository links. Local (pushed) repositories have no rows
 * here and are never evicted; a blob they share stays linked by them. An evicted image is fetched
 * again on its next pull, if the upstream answers.
 */
@Singleton
public final class CacheEviction {

    private static final Logger LOG = LoggerFactory.getLogger(CacheEviction.class);
    private static final int BATCH = 100;

    private final ProxyImages images;
    private final LocalCache local;
    private final ProxyTags tags;
    private final ProxySettings settings;
    private final Counter evicted;

    CacheEviction(ProxyImages images, LocalCache local, ProxyTags tags, ProxySettings settings, MeterRegistry meters) {
        this.images = images;
        this.local = local;
        this.tags = tags;
        this.settings = settings;
        this.evicted = Counter.builder("ironclad.proxy.evicted").description("cached images evicted by the size bound").register(meters);
        Gauge.builder("ironclad.proxy.cached.bytes", images, ProxyImages::totalBytes)
                .description("bytes the cached images stand for (shared blobs once per image)").register(meters);
    }

    /** Evicts least recently used cached images until they are within the bound (none without one); returns how many went. */
    public int evictOverBound() {
        long max = settings.maxBytes();
        if (max <= 0) {
            return 0;
        }
        long total = images.totalBytes();
        int count = 0;
        while (total > max) {
            List<CachedImage> oldest = images.leastRecentlyUsed(BATCH);
            if (oldest.isEmpty()) {
                break;
            }
            for (CachedImage image : oldest) {
                if (total <= max) {
                    break;
                }
                local.evictManifest(image.repository(), image.digest());
                tags.deleteNaming(image.repository(), image.digest());
                images.delete(image.repository(), image.digest());
                total -= image.bytes();
                count++;
                evicted.increment();
            }
        }
        if (count > 0) {
            LOG.info("evicted {} least recently used cached images: {} bytes cached, bound {}", count, total, max);
        }
        return count;
    }
}
