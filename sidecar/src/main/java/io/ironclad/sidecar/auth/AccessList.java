package io.ironclad.sidecar.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The access rules for htpasswd users, one rule a line:
 * <pre>
 * group ci bob,carol                 # a group and its members
 * allow alice ** pull,push,delete    # user, repository pattern, actions
 * allow @ci team/** pull,push        # @group
 * allow * public/** pull             # * = every authenticated user
 * allow alice - admin,catalog        # registry-wide rights (the pattern is not used)
 * </pre>
 * Patterns: {@code *} matches within one path component, {@code **} across components.
 * Actions: {@code pull}, {@code push}, {@code delete}, {@code *} (all three), and the
 * registry-wide {@code catalog} and {@code admin}. What no rule grants is denied.
 */
public final class AccessList {

    private record Rule(String subject, Pattern repositories, Set<String> actions) {
    }

    private final List<Rule> rules;
    private final Map<String, Set<String>> groups;

    private AccessList(List<Rule> rules, Map<String, Set<String>> groups) {
        this.rules = List.copyOf(rules);
        this.groups = Map.copyOf(groups);
    }

    public static AccessList read(Path file) {
        try {
            return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the access file " + file + ": " + e, e);
        }
    }

    static AccessList parse(List<String> lines, String source) {
        List<Rule> rules = new ArrayList<>();
        Map<String, Set<String>> groups = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceAll("#.*", "").strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] words = line.split("\\s+");
            String where = source + " line " + (i + 1) + ": ";
            if (words[0].equals("group") && words.length == 3) {
                groups.computeIfAbsent(words[1], g -> new HashSet<>()).addAll(Arrays.asList(words[2].split(",")));
            } else if (words[0].equals("allow") && words.length == 4) {
                rules.add(new Rule(words[1], glob(words[2]), actions(words[3], where)));
            } else {
                throw new IllegalStateException(where + "expected 'group NAME USERS' or 'allow WHO PATTERN ACTIONS'");
            }
        }
        return new AccessList(rules, groups);
    }

    /** The grants of {@code user} under these rules. */
    public Grants grantsOf(String user) {
        List<Rule> mine = rules.stream().filter(rule -> applies(rule.subject(), user)).toList();
        return (type, name, action) -> mine.stream().anyMatch(rule -> grants(rule, type, name, action));
    }

    private boolean applies(String subject, String user) {
        if (subject.equals("*") || subject.equals(user)) {
            return true;
        }
        return subject.startsWith("@") && groups.getOrDefault(subject.substring(1), Set.of()).contains(user);
    }

    private static boolean grants(Rule rule, String type, String name, String action) {
        if (type.equals(Scope.REGISTRY)) {
            return rule.actions().contains(name); // catalog, admin
        }
        boolean actionGranted = rule.actions().contains(action) || rule.actions().contains(Scope.ALL) && !action.equals(Scope.ALL);
        return type.equals(Scope.REPOSITORY) && actionGranted && rule.repositories().matcher(name).matches();
    }

    private static Set<String> actions(String list, String where) {
        Set<String> actions = new HashSet<>(Arrays.asList(list.split(",")));
        Set<String> known = Set.of(Scope.PULL, Scope.PUSH, Scope.DELETE, Scope.ALL, "catalog", "admin");
        if (!known.containsAll(actions)) {
            throw new IllegalStateException(where + "unknown action in '" + list + "' (known: " + known + ")");
        }
        return Set.copyOf(actions);
    }

    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                regex.append(".*");
                i++;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(regex.toString());
    }
}
