package io.ironclad.sidecar.auth;

/** Who sent a request (a user, a token's subject, or nobody) and what they may do. */
public record Caller(String name, Kind kind, Grants grants) {

    /** The request attribute under which the auth filter leaves the caller of a granted request. */
    public static final String ATTRIBUTE = "ironclad.caller";

    /**
     * The request attribute holding the authenticated caller's name (a user or a token's
     * subject; absent for anonymous callers), set by the auth filter for the access log.
     */
    public static final String NAME_ATTRIBUTE = "ironclad.caller.name";

    public enum Kind { ANONYMOUS, USER, TOKEN }

    static Caller anonymous(Grants grants) {
        return new Caller("anonymous", Kind.ANONYMOUS, grants);
    }

    boolean anonymous() {
        return kind == Kind.ANONYMOUS;
    }
}
