package io.ironclad.sidecar.auth;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One access scope of the distribution token specification, {@code type:name:action[,action...]}
 * (e.g. {@code repository:team/app:pull,push}, {@code registry:catalog:*}). A name may contain
 * colons (a {@code host:port} prefix), so the type ends at the first colon and the actions start
 * after the last one, as distribution parses it.
 */
public record Scope(String type, String name, Set<String> actions) {

    public static final String REPOSITORY = "repository";
    public static final String REGISTRY = "registry";
    public static final String PULL = "pull";
    public static final String PUSH = "push";
    public static final String DELETE = "delete";
    public static final String ALL = "*";

    /** The scope {@code _catalog} needs. */
    public static final Scope CATALOG = new Scope(REGISTRY, "catalog", Set.of(ALL));
    /** The scope the operator endpoints ({@code /ops/*}, {@code /prometheus}, {@code /health} details) need. */
    public static final Scope ADMIN = new Scope(REGISTRY, "admin", Set.of(ALL));

    public Scope {
        if (type.isEmpty() || name.isEmpty() || actions.isEmpty()) {
            throw new IllegalArgumentException("a scope needs a type, a name and at least one action");
        }
        actions = Set.copyOf(new LinkedHashSet<>(actions));
    }

    public static Scope repository(String name, String... actions) {
        return new Scope(REPOSITORY, name, new LinkedHashSet<>(Arrays.asList(actions)));
    }

    /** Parses {@code type:name:actions}; anything else is an {@link IllegalArgumentException}. */
    public static Scope parse(String text) {
        int first = text.indexOf(':');
        int last = text.lastIndexOf(':');
        if (first <= 0 || last == first || last == text.length() - 1) {
            throw new IllegalArgumentException("not a scope (type:name:actions): " + text);
        }
        List<String> actions = Arrays.stream(text.substring(last + 1).split(",")).map(String::trim).filter(a -> !a.isEmpty()).toList();
        return new Scope(text.substring(0, first), text.substring(first + 1, last), new LinkedHashSet<>(actions));
    }

    /** The scope as written in a challenge or a token request, actions in a stable order. */
    @Override
    public String toString() {
        return type + ":" + name + ":" + String.join(",", actions.stream().sorted(Scope::byUsualOrder).toList());
    }

    private static int byUsualOrder(String a, String b) {
        List<String> order = List.of(PULL, PUSH, DELETE);
        int ia = order.indexOf(a);
        int ib = order.indexOf(b);
        return ia >= 0 && ib >= 0 ? Integer.compare(ia, ib) : ia >= 0 ? -1 : ib >= 0 ? 1 : a.compareTo(b);
    }
}
