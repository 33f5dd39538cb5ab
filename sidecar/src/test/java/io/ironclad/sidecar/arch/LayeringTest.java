package io.ironclad.sidecar.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.ironclad.driver.ObjectWriter;
import io.ironclad.driver.StorageDriver;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering the README's architecture section promises, checked on the compiled main classes
 * of every module on the sidecar's class path: data flows sidecar → consistency → driver, and no
 * layer reaches up. A rule here fails the build, so a shortcut across layers is a visible change
 * to this file, not a quiet import.
 */
class LayeringTest {

    private static final String DRIVER_API = "io.ironclad.driver..";
    private static final String CONSISTENCY = "io.ironclad.consistency..";
    private static final String SIDECAR = "io.ironclad.sidecar..";
    private static final String[] DRIVERS = {"io.ironclad.swift..", "io.ironclad.s3.."};
    private static final String HTTP = "io.ironclad.sidecar.http..";
    private static final String REGISTRY = "io.ironclad.sidecar.registry..";

    private static final String METADATA = "io.ironclad.sidecar.metadata..";

    /**
     * Sidecar classes outside {@code metadata} that still touch {@code java.sql}/{@code javax.sql},
     * each with the reason. Shrink this list; never grow it without saying why here.
     */
    private static final Set<String> SQL_OUTSIDE_METADATA = Set.of(
            // no SQL: reads a startup failure's cause chain, and an SQLException there means "database: ..." (exit 3)
            "io.ironclad.sidecar.StartupFailure");

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.ironclad");
    }

    @Test
    void theDriverSpiKnowsNoImplementationAndNoUpperLayer() {
        noClasses().that().resideInAPackage(DRIVER_API)
                .should().dependOnClassesThat().resideInAnyPackage(CONSISTENCY, SIDECAR, DRIVERS[0], DRIVERS[1])
                .check(classes);
    }

    @Test
    void driversKnowNeitherTheConsistencyLayerNorTheSidecar() {
        noClasses().that().resideInAnyPackage(DRIVERS)
                .should().dependOnClassesThat().resideInAnyPackage(CONSISTENCY, SIDECAR)
                .check(classes);
    }

    @Test
    void driversDoNotKnowEachOther() {
        noClasses().that().resideInAPackage(DRIVERS[0])
                .should().dependOnClassesThat().resideInAPackage(DRIVERS[1]).check(classes);
        noClasses().that().resideInAPackage(DRIVERS[1])
                .should().dependOnClassesThat().resideInAPackage(DRIVERS[0]).check(classes);
    }

    @Test
    void theConsistencyLayerKnowsNoRegistryNoHttpAndNoConcreteDriver() {
        noClasses().that().resideInAPackage(CONSISTENCY)
                .should().dependOnClassesThat()
                .resideInAnyPackage(SIDECAR, DRIVERS[0], DRIVERS[1], "io.micronaut..", "java.net.http..")
                .check(classes);
    }

    @Test
    void belowTheSidecarNothingTouchesSql() {
        noClasses().that().resideInAnyPackage(DRIVER_API, CONSISTENCY, DRIVERS[0], DRIVERS[1])
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..")
                .check(classes);
    }

    @Test
    void onlyTheMetadataLayerTouchesSql() {
        noClasses().that().resideInAPackage(SIDECAR).and().resideOutsideOfPackage(METADATA)
                .and(DescribedPredicate.not(allowedSqlOutsideMetadata()))
                .should().dependOnClassesThat().resideInAnyPackage("java.sql..", "javax.sql..")
                .check(classes);
    }

    /** A class of the allow-list, with its nested and lambda classes and the bean definitions Micronaut generates for it. */
    private static DescribedPredicate<JavaClass> allowedSqlOutsideMetadata() {
        return DescribedPredicate.describe("allowed to touch SQL for now " + SQL_OUTSIDE_METADATA,
                c -> SQL_OUTSIDE_METADATA.contains(topLevel(c)));
    }

    /** {@code a.b.$Name$Definition} and {@code a.b.Name$1} are {@code a.b.Name}. */
    private static String topLevel(JavaClass c) {
        String simple = c.getName().substring(c.getPackageName().length() + 1);
        String stripped = simple.startsWith("$") ? simple.substring(1) : simple;
        int nested = stripped.indexOf('$');
        return c.getPackageName() + "." + (nested < 0 ? stripped : stripped.substring(0, nested));
    }

    @Test
    void authenticationKnowsNoStorage() {
        noClasses().that().resideInAPackage("io.ironclad.sidecar.auth..")
                .should().dependOnClassesThat().resideInAnyPackage(DRIVER_API, CONSISTENCY, DRIVERS[0], DRIVERS[1])
                .check(classes);
    }

    /**
     * The http layer parses and answers requests; the registry services below it reach the store and
     * the database. So http may name the driver SPI's values (Digest, ByteRange, Payload) and its
     * exceptions (which it renders as 503), but no driver, writer or driver implementation; and of
     * the metadata package only its row records and its exception, never the repository or SQL.
     */
    @Test
    void httpReachesNeitherAStoreNorTheDatabase() {
        DescribedPredicate<JavaClass> storeAccess = DescribedPredicate.describe("a storage driver, an object writer or a driver implementation",
                c -> c.isAssignableTo(StorageDriver.class) || c.isAssignableTo(ObjectWriter.class)
                        || c.getPackageName().startsWith("io.ironclad.driver.fs") || c.getPackageName().startsWith("io.ironclad.driver.memory")
                        || c.getPackageName().startsWith("io.ironclad.swift") || c.getPackageName().startsWith("io.ironclad.s3"));
        DescribedPredicate<JavaClass> databaseAccess = DescribedPredicate.describe("SQL or metadata other than its rows and exception",
                c -> c.getPackageName().startsWith("java.sql") || c.getPackageName().startsWith("javax.sql")
                        || c.getPackageName().startsWith("org.flywaydb")
                        || c.getPackageName().startsWith("io.ironclad.sidecar.metadata")
                        && !c.isAssignableTo(Record.class) && !c.isAssignableTo(Throwable.class));
        noClasses().that().resideInAPackage(HTTP).should().dependOnClassesThat(storeAccess).check(classes);
        noClasses().that().resideInAPackage(HTTP).should().dependOnClassesThat(databaseAccess).check(classes);
    }

    /** The registry services know nothing of HTTP: no Micronaut HTTP type, nothing of the http package that renders them. */
    @Test
    void theRegistryKnowsNoHttp() {
        noClasses().that().resideInAPackage(REGISTRY)
                .should().dependOnClassesThat().resideInAnyPackage("io.micronaut.http..", HTTP, "java.net.http..")
                .check(classes);
    }

    /**
     * Above the consistency layer only the places that build drivers (backend), and the operator
     * commands that walk a store's raw objects (cli, and admin, which runs them in the server),
     * hold a {@link StorageDriver}: everything else reaches the store through {@code ConsistentStore},
     * which also answers what they need of the backend (capabilities, listings, a health probe).
     */
    @Test
    void aboveTheConsistencyLayerOnlyBackendsAndOperatorCommandsHoldADriver() {
        noClasses().that().resideInAPackage(SIDECAR)
                .and().resideOutsideOfPackages("io.ironclad.sidecar.backend..", "io.ironclad.sidecar.cli..", "io.ironclad.sidecar.admin..")
                .should().dependOnClassesThat().areAssignableTo(StorageDriver.class)
                .check(classes);
    }
}
