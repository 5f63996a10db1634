package dev.jmim;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import dev.jmim.tensor.archfixture.UpwardImport;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Imports point one way: tensor ← autograd ← nn ← mae, and cuda-bindings → tensor only; nothing
 * but bench depends on bench. Checked on the compiled classes of every module.
 */
class ArchitectureTest {
    private static final Map<String, List<String>> FORBIDDEN = Map.of(
            "tensor", List.of("autograd", "nn", "mae", "cuda", "bench"),
            "autograd", List.of("nn", "mae", "cuda", "bench"),
            "nn", List.of("mae", "cuda", "bench"),
            "mae", List.of("cuda", "bench"),
            "cuda", List.of("autograd", "nn", "mae", "bench"));

    static List<ArchRule> rules() {
        return FORBIDDEN.entrySet().stream()
                .map(e -> noClasses()
                        .that()
                        .resideInAPackage("dev.jmim." + e.getKey() + "..")
                        .should()
                        .dependOnClassesThat()
                        .resideInAnyPackage(e.getValue().stream()
                                .map(p -> "dev.jmim." + p + "..")
                                .toArray(String[]::new))
                        .because(e.getKey() + " must not import " + e.getValue() + " (DESIGN.md, 'The house')")
                        .allowEmptyShould(true))
                .toList();
    }

    @Test
    void noModuleImportsUpward() {
        JavaClasses classes = new ClassFileImporter()
                .withImportOption(new ImportOption.DoNotIncludeTests())
                .importPackages("dev.jmim");
        for (String module : List.of("tensor", "autograd", "nn", "cuda", "mae")) {
            assertTrue(
                    classes.stream().anyMatch(c -> c.getPackageName().startsWith("dev.jmim." + module)),
                    "no classes of dev.jmim." + module + " were imported; the check would pass vacuously");
        }
        rules().forEach(rule -> rule.check(classes));
    }

    @Test
    void theRulesCatchAnUpwardImport() {
        JavaClasses fixture = new ClassFileImporter().importClasses(UpwardImport.class);
        assertTrue(
                rules().stream().anyMatch(rule -> rule.evaluate(fixture).hasViolation()),
                "a tensor class that uses dev.jmim.mae must violate a rule");
    }
}
