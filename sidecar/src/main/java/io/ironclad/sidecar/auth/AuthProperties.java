package io.ironclad.sidecar.auth;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.bind.annotation.Bindable;
import jakarta.inject.Singleton;
import java.time.Duration;

/**
 * The {@code ironclad.auth.*} and {@code ironclad.delete.*} settings as bound, each with its default,
 * and the {@link AuthSettings} made of them.
 */
@Factory
final class AuthProperties {

    /** @param anonymous {@code read-only} or {@code read-write} to serve callers without credentials; empty: none */
    @ConfigurationProperties("ironclad.auth")
    record Anonymous(@Bindable(defaultValue = "") String anonymous) {
    }

    /**
     * @param file bcrypt htpasswd file; empty: no basic authentication
     * @param accessFile access rules for htpasswd users; empty: every user may pull and push everywhere
     * @param realm the Basic realm named in challenges
     */
    @ConfigurationProperties("ironclad.auth.htpasswd")
    record Htpasswd(@Bindable(defaultValue = "") String file, @Bindable(defaultValue = "") String accessFile,
            @Bindable(defaultValue = "Ironclad") String realm) {
    }

    /**
     * Distribution's {@code auth.token} settings, same names ({@link TokenSettings}).
     *
     * @param rootcertbundle one word, as distribution spells it
     */
    @ConfigurationProperties("ironclad.auth.token")
    record Token(@Bindable(defaultValue = "") String realm, @Bindable(defaultValue = "") String service,
            @Bindable(defaultValue = "") String issuer, @Bindable(defaultValue = "") String rootcertbundle,
            @Bindable(defaultValue = "") String jwks, @Bindable(defaultValue = "60s") Duration clockSkew) {
    }

    /** @param enabled whether blob and manifest DELETEs are served (405 UNSUPPORTED otherwise) */
    @ConfigurationProperties("ironclad.delete")
    record Delete(@Bindable(defaultValue = "false") boolean enabled) {
    }

    @Bean
    @Singleton
    AuthSettings authSettings(Anonymous anonymous, Htpasswd htpasswd, Token token, Delete delete) {
        return new AuthSettings(text(htpasswd.file()), text(htpasswd.accessFile()), text(htpasswd.realm()), text(anonymous.anonymous()),
                text(token.realm()), text(token.service()), text(token.issuer()), text(token.rootcertbundle()), text(token.jwks()),
                token.clockSkew(), delete.enabled());
    }

    /** A setting given as an empty value reads as empty, as with the {@code @Value} fallbacks before. */
    private static String text(String value) {
        return value == null ? "" : value;
    }
}
