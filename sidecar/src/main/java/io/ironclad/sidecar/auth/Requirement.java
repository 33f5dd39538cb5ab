package io.ironclad.sidecar.auth;

import java.util.List;

/**
 * What a request needs: the scopes to be granted ({@code checked}), the scopes a token client
 * should ask for ({@code challenge}, which for writes adds {@code pull} as distribution clients
 * expect), and whether it needs any authenticated caller at all ({@code open}: liveness and readiness).
 */
public record Requirement(List<Scope> checked, List<Scope> challenge, boolean open) {

    public Requirement {
        checked = List.copyOf(checked);
        challenge = List.copyOf(challenge);
    }

    /** Open to everyone (health probes). */
    static Requirement none() {
        return new Requirement(List.of(), List.of(), true);
    }

    /** Any authenticated caller ({@code /v2/}, the version check clients use to log in). */
    static Requirement login() {
        return new Requirement(List.of(), List.of(), false);
    }

    static Requirement of(Scope scope) {
        return new Requirement(List.of(scope), List.of(scope), false);
    }

    /** Whether this is the admin right (operator endpoints). */
    boolean admin() {
        return checked.contains(Scope.ADMIN);
    }
}
