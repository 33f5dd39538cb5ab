package io.ironclad.sidecar.auth;

/** What a caller may do: the actions granted on one resource ({@link Scope#type()} and name). */
@FunctionalInterface
public interface Grants {

    /** Everything, the loopback default when no authentication is configured. */
    Grants ALL = (type, name, action) -> true;
    Grants NONE = (type, name, action) -> false;

    boolean allows(String type, String name, String action);

    /** Whether every action of {@code scope} is granted. */
    default boolean allows(Scope scope) {
        return scope.actions().stream().allMatch(action -> allows(scope.type(), scope.name(), action));
    }

    /** Pull (and, when {@code write}, push) on every repository plus the catalog; never delete or admin. */
    static Grants everyRepository(boolean write) {
        return (type, name, action) -> switch (type) {
            case Scope.REPOSITORY -> action.equals(Scope.PULL) || write && action.equals(Scope.PUSH);
            case Scope.REGISTRY -> name.equals(Scope.CATALOG.name());
            default -> false;
        };
    }
}
