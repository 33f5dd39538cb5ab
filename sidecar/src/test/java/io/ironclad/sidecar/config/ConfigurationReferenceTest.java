package io.ironclad.sidecar.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.io.IOException;
import java.lang.reflect.Parameter;
import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The configuration reference in the READMEs against the settings the sidecar declares: every
 * {@code @ConfigurationProperties} record is a set of keys ({@code <prefix>.<component in kebab case>})
 * with the default its {@code @Bindable} names. Every declared key must be in a table of
 * {@code sidecar/README.md} or the top-level README; a documented key of a declared prefix must be
 * declared; and where a table gives a literal default ({@code `24h`}, "empty", "unset") it must be
 * the declared one. Descriptive defaults ("this server's address", "10 GiB") are left to the reader.
 */
class ConfigurationReferenceTest {

    /**
     * Documented keys of a declared prefix that are read outside a record: the prober's interval is an
     * {@code @Scheduled} expression, which cannot take one.
     */
    private static final Set<String> BOUND_ELSEWHERE = Set.of("ironclad.backend.probe-interval");
    private static final Pattern BACKTICKED = Pattern.compile("`([^`]*)`");
    private static final Optional<String> UNSET = Optional.empty();

    /** A documented key and, when the table gives a literal one, its default (an empty optional: none, "unset"). */
    private record Documented(String key, Optional<Optional<String>> literalDefault, String source) {
    }

    private static Map<String, Optional<String>> declared;
    private static Set<String> prefixes;
    private static List<Documented> documented;

    @BeforeAll
    static void read() throws Exception {
        declared = new LinkedHashMap<>();
        prefixes = new TreeSet<>();
        for (JavaClass type : new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ironclad.sidecar")) {
            Class<?> settings = type.reflect();
            ConfigurationProperties properties = settings.getAnnotation(ConfigurationProperties.class);
            if (properties == null || !settings.isRecord()) {
                continue;
            }
            prefixes.add(properties.value());
            RecordComponent[] components = settings.getRecordComponents();
            Parameter[] parameters = settings.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new)).getParameters();
            for (int i = 0; i < components.length; i++) {
                Bindable bindable = parameters[i].getAnnotation(Bindable.class);
                declared.put(properties.value() + "." + kebab(components[i].getName()),
                        bindable == null ? UNSET : Optional.of(bindable.defaultValue()));
            }
        }
        Path root = Path.of("..").toAbsolutePath().normalize();
        documented = new ArrayList<>();
        documented.addAll(tables(root.resolve("sidecar/README.md")));
        documented.addAll(tables(root.resolve("README.md")));
    }

    @Test
    void theRecordsAreFound() {
        assertThat(prefixes).contains("ironclad", "ironclad.http", "ironclad.uploads", "ironclad.gc", "ironclad.health");
        assertThat(declared).containsEntry("ironclad.http.body-idle-timeout", Optional.of("30s"))
                .containsEntry("ironclad.verification-mode", Optional.of("spool"))
                .containsEntry("ironclad.consistency.timeout", Optional.of("30s"))
                .containsEntry("ironclad.cache.max-bytes", Optional.of("10737418240"))
                .containsEntry("ironclad.proxy.tag-ttl", Optional.of("5m"));
    }

    @Test
    void everyDeclaredSettingIsDocumented() {
        Set<String> keys = documented.stream().map(Documented::key).collect(Collectors.toSet());
        assertThat(declared.keySet().stream().filter(k -> !keys.contains(k)).toList()).as("declared but not in a README table").isEmpty();
    }

    @Test
    void everyDocumentedSettingOfADeclaredPrefixIsDeclared() {
        assertThat(documented.stream().filter(d -> prefixes.contains(parent(d.key())) && !declared.containsKey(d.key())
                && !BOUND_ELSEWHERE.contains(d.key())).map(d -> d.key() + " (" + d.source() + ")").toList())
                .as("documented but declared by no record").isEmpty();
    }

    @Test
    void documentedDefaultsAreTheDeclaredOnes() {
        List<String> wrong = new ArrayList<>();
        for (Documented d : documented) {
            if (declared.containsKey(d.key()) && d.literalDefault().isPresent() && !matches(d.literalDefault().get(), declared.get(d.key()))) {
                wrong.add(d.key() + ": documented " + d.literalDefault().get().map(v -> "'" + v + "'").orElse("unset")
                        + ", declared " + declared.get(d.key()).map(v -> "'" + v + "'").orElse("unset") + " (" + d.source() + ")");
            }
        }
        assertThat(wrong).isEmpty();
        assertThat(documented.stream().filter(d -> declared.containsKey(d.key()) && d.literalDefault().isPresent()).count())
                .as("defaults compared").isGreaterThan(30);
    }

    /** "empty" (documented as "") also describes a string without a default: both read as no value. */
    private static boolean matches(Optional<String> documented, Optional<String> declared) {
        return documented.equals(declared) || documented.equals(Optional.of("")) && declared.isEmpty();
    }

    /**
     * The settings rows of every Markdown table whose first column is a key: full keys
     * ({@code `ironclad.gc.interval`}), keys relative to the one before ({@code `.key`}, {@code `max-backoff`})
     * or to the header's prefix ({@code setting (`ironclad.proxy.`)}). Patterns ({@code *}, {@code <name>}) are skipped.
     */
    private static List<Documented> tables(Path readme) throws IOException {
        List<Documented> out = new ArrayList<>();
        String prefix = "";
        int defaultColumn = -1;
        for (String line : Files.readAllLines(readme)) {
            if (!line.startsWith("|")) {
                defaultColumn = -1;
                continue;
            }
            List<String> cells = Arrays.stream(line.substring(1).split("(?<!\\\\)\\|", -1)).map(String::trim).toList();
            if (defaultColumn < 0) {
                defaultColumn = cells.indexOf("default");
                Matcher header = BACKTICKED.matcher(cells.get(0));
                prefix = header.find() ? header.group(1) : "";
                continue;
            }
            if (cells.get(0).startsWith("---")) {
                continue;
            }
            List<String> keys = keys(cells.get(0), prefix);
            List<Optional<Optional<String>>> defaults = defaultColumn > 0 && defaultColumn < cells.size()
                    ? defaults(cells.get(defaultColumn), keys.size()) : List.of();
            for (int i = 0; i < keys.size(); i++) {
                if (keys.get(i) != null) {
                    out.add(new Documented(keys.get(i), defaults.isEmpty() ? Optional.empty() : defaults.get(i), readme.getFileName().toString()));
                }
            }
        }
        return out;
    }

    private static List<String> keys(String cell, String prefix) {
        String headerParent = prefix.endsWith(".") ? prefix.substring(0, prefix.length() - 1) : "";
        List<String> keys = new ArrayList<>();
        String last = null;
        Matcher m = BACKTICKED.matcher(cell);
        while (m.find()) {
            String token = m.group(1);
            String key;
            if (token.startsWith("ironclad.") || token.startsWith("micronaut.") || token.startsWith("datasources.")) {
                key = token;
            } else {
                String base = last != null ? parent(last) : headerParent;
                if (base.isEmpty()) {
                    continue;
                }
                key = base + "." + (token.startsWith(".") ? token.substring(1) : token);
            }
            last = key;
            keys.add(key.contains("*") || key.contains("<") || key.contains("NAME") || key.contains(" ") ? null : key);
        }
        return keys;
    }

    /** One default per key when the cell lists as many (separated by " / " or ", "); literal ones only. */
    private static List<Optional<Optional<String>>> defaults(String cell, int keys) {
        List<String> parts = keys == 1 ? List.of(cell) : Arrays.asList(cell.split(" / |, "));
        if (parts.size() != keys) {
            return List.of();
        }
        List<Optional<Optional<String>>> out = new ArrayList<>();
        for (String part : parts) {
            String value = part.trim();
            Matcher m = Pattern.compile("^`([^`]*)`$").matcher(value);
            if (m.matches()) {
                out.add(Optional.of(Optional.of(m.group(1))));
            } else if (value.equals("empty")) {
                out.add(Optional.of(Optional.of("")));
            } else if (value.equals("unset") || value.startsWith("unset (")) {
                out.add(Optional.of(UNSET));
            } else {
                out.add(Optional.empty());
            }
        }
        return out;
    }

    private static String parent(String key) {
        int dot = key.lastIndexOf('.');
        return dot < 0 ? "" : key.substring(0, dot);
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
    }
}
