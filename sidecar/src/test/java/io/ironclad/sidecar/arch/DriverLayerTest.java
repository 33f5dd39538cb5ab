package io.ironclad.sidecar.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The driver layer's side of the layering (issue 13): the sidecar builds drivers only through the
 * driver SPI, and drivers (fault injection included) store user metadata generically, knowing
 * none of the names the consistency layer gives its integrity metadata.
 */
class DriverLayerTest {

    private static final String[] CONCRETE_DRIVERS = {"io.ironclad.swift..", "io.ironclad.s3..", "io.ironclad.driver.fs..",
        "io.ironclad.driver.memory..", "io.ironclad.faults.."};
    private static final String[] BELOW_CONSISTENCY = {"io.ironclad.driver..", "io.ironclad.swift..", "io.ironclad.s3..",
        "io.ironclad.faults.."};
    /** The consistency layer's integrity metadata keys ({@code IntegrityMetadata}). */
    private static final List<String> CONSISTENCY_KEYS = List.of("ironclad-digest", "ironclad-size", "ironclad-written");

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ironclad");
    }

    @Test
    void theSidecarBuildsDriversOnlyThroughTheSpi() {
        noClasses().that().resideInAPackage("io.ironclad.sidecar..")
                .should().dependOnClassesThat().resideInAnyPackage(CONCRETE_DRIVERS)
                .check(classes);
    }

    @Test
    void faultInjectionKnowsNoUpperLayer() {
        noClasses().that().resideInAPackage("io.ironclad.faults..")
                .should().dependOnClassesThat().resideInAnyPackage("io.ironclad.consistency..", "io.ironclad.sidecar..")
                .check(classes);
    }

    /** A string constant is no dependency ArchUnit sees, so the class files' constant pools are searched. */
    @Test
    void noDriverNamesTheConsistencyLayersMetadataKeys() throws IOException {
        List<String> offenders = new ArrayList<>();
        int searched = 0;
        for (JavaClass type : classes.that(com.tngtech.archunit.base.DescribedPredicate.describe("below consistency",
                (JavaClass c) -> resideInAny(c, BELOW_CONSISTENCY)))) {
            if (type.getSource().isEmpty()) {
                continue;
            }
            searched++;
            String bytes;
            try (InputStream in = type.getSource().get().getUri().toURL().openStream()) {
                bytes = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            }
            for (String key : CONSISTENCY_KEYS) {
                if (bytes.contains(key)) {
                    offenders.add(type.getName() + " names " + key);
                }
            }
        }
        assertThat(searched).as("driver classes searched").isGreaterThan(50);
        assertThat(offenders).isEmpty();
    }

    private static boolean resideInAny(JavaClass type, String[] packages) {
        for (String pattern : packages) {
            String prefix = pattern.substring(0, pattern.length() - 2);
            if (type.getPackageName().equals(prefix) || type.getPackageName().startsWith(prefix + ".")) {
                return true;
            }
        }
        return false;
    }
}
