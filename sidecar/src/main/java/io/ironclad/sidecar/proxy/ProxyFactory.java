package io.ironclad.sidecar.proxy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Secondary;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.List;
import java.util.Optional;

/** Builds the upstream clients from the settings, once. */
@Factory
final class ProxyFactory {

    @Singleton
    @Secondary
    ProxyClock proxyClock() {
        return new ProxyClock(Clock.systemUTC());
    }

    /** Built at startup ({@code @Context}), so a wrong upstream setting stops the sidecar instead of failing pulls. */
    @Context
    Upstreams upstreams(ProxySettings settings, List<UpstreamSettings> prefixed, ObjectMapper json, ProxyClock clock) {
        List<UpstreamClient> clients = prefixed.stream().map(u -> new UpstreamClient(u, settings, json, clock.clock())).toList();
        Optional<UpstreamClient> mirror = Optional.ofNullable(settings.mirror())
                .map(u -> new UpstreamClient(u, settings, json, clock.clock()));
        return new Upstreams(clients, mirror);
    }
}
