package io.ironclad.sidecar.backend;

import static java.util.Objects.requireNonNull;

import io.ironclad.consistency.VerificationMode;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code ironclad.verification-mode}: how a blob read from the object store is checked against its
 * digest before it is served ({@code spool} or {@code stream}, case-insensitive).
 *
 * @param verificationMode {@code spool}: hash into the verified cache and serve only verified files;
 *     {@code stream}: pass the bytes through while hashing and abort before the last byte on a mismatch
 */
@ConfigurationProperties("ironclad")
public record VerificationSettings(@Bindable(defaultValue = "spool") VerificationMode verificationMode) {

    public VerificationSettings {
        requireNonNull(verificationMode, "ironclad.verification-mode is null");
    }
}
