package io.scalinglab.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.ops.Renders.App;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every SparkApplication and ScheduledSparkApplication the k8s/ overlays render is one the
 * spark-operator's API accepts under strict field validation: valid against the openAPIV3Schema of
 * its CRD version, with no field the schema does not declare ({@link OperatorSchema}). And the
 * check is not vacuous: a misspelt field, a field in the wrong place and a value of the wrong type
 * fail.
 */
class K8sSchemaTest {
  private static final Path CPU = Repo.path("k8s/overlays/cpu");
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @MethodSource("io.scalinglab.ops.Renders#overlays")
  void applicationsAreValidForTheOperatorsCrd(Path overlay) {
    for (App app : Renders.apps(overlay)) {
      assertEquals(
          List.of(), OperatorSchema.errors(app.resource()), app + " of " + overlay.getFileName());
    }
  }

  @Test
  void aMisspeltFieldFails() {
    ObjectNode sweep = sweep();
    ObjectNode driver = (ObjectNode) sweep.path("spec").path("driver");
    driver.set("corelimit", driver.remove("coreLimit"));
    assertFailsAt(sweep, "/spec/driver", "corelimit");
  }

  @Test
  void aFieldOfAnotherObjectFails() {
    ObjectNode sweep = sweep();
    // runAsNonRoot belongs in the security contexts, not in the executor spec itself
    ((ObjectNode) sweep.path("spec").path("executor")).put("runAsNonRoot", true);
    assertFailsAt(sweep, "/spec/executor", "runAsNonRoot");
  }

  @Test
  void aValueOfTheWrongTypeOrOutsideTheEnumFails() {
    ObjectNode sweep = sweep();
    ((ObjectNode) sweep.path("spec").path("executor")).put("instances", "two");
    assertFailsAt(sweep, "/spec/executor/instances", "integer");
    sweep = sweep();
    ((ObjectNode) sweep.path("spec")).put("mode", "local");
    assertFailsAt(sweep, "/spec/mode", "");
  }

  @Test
  void theScheduledTemplateIsCheckedToo() {
    ObjectNode nightly =
        JSON.valueToTree(
            Renders.find(CPU, "ScheduledSparkApplication", "scalinglab-sweep-nightly"));
    ((ObjectNode) nightly.path("spec").path("template").path("restartPolicy"))
        .put("onFailureRetrys", 3);
    assertFailsAt(nightly, "/spec/template/restartPolicy", "onFailureRetrys");
  }

  private static ObjectNode sweep() {
    return JSON.valueToTree(Renders.find(CPU, "SparkApplication", "scalinglab-sweep"));
  }

  private static void assertFailsAt(ObjectNode resource, String where, String what) {
    List<String> errors = OperatorSchema.errors(resource);
    assertTrue(
        errors.stream().anyMatch(e -> e.startsWith(where) && e.contains(what)),
        "an error at " + where + " naming '" + what + "': " + errors);
  }
}
