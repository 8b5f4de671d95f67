package fr.rempart.platform;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.Architectures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The capabilities depend one way (docs/architecture.md, "How the capabilities depend on each
 * other"): each may use only those on a lower rank, never one beside it, and the packages form no
 * cycle. Read from the compiled classes, so an import and a fully qualified name count alike.
 */
class ArchitectureTest {

    /** Lowest first; capabilities of one rank are siblings and must not use each other. */
    static final List<List<String>> RANKS = List.of(
            List.of("platform"),
            List.of("audit"),
            List.of("member"),
            List.of("notify"),
            List.of("password", "totp"),
            List.of("signin"),
            List.of("oidc", "breach", "report"),
            List.of("helpdesk"));

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("fr.rempart");
    }

    @Test
    void everyClassBelongsToACapability() {
        String[] packages = RANKS.stream().flatMap(List::stream).map(c -> "fr.rempart." + c + "..").toArray(String[]::new);
        classes().should().resideInAnyPackage(packages).check(main);
    }

    @Test
    void capabilitiesUseOnlyThoseBelowThem() {
        Architectures.LayeredArchitecture layers = Architectures.layeredArchitecture().consideringOnlyDependenciesInLayers();
        for (List<String> rank : RANKS) {
            for (String capability : rank) {
                layers = layers.layer(capability).definedBy("fr.rempart." + capability + "..");
            }
        }
        for (int i = 0; i < RANKS.size(); i++) {
            String[] above = RANKS.subList(i + 1, RANKS.size()).stream().flatMap(List::stream).toArray(String[]::new);
            for (String capability : RANKS.get(i)) {
                layers = above.length == 0 ? layers.whereLayer(capability).mayNotBeAccessedByAnyLayer()
                        : layers.whereLayer(capability).mayOnlyBeAccessedByLayers(above);
            }
        }
        layers.check(main);
    }

    @Test
    void capabilitiesFormNoCycle() {
        slices().matching("fr.rempart.(*)..").should().beFreeOfCycles().check(main);
    }
}
