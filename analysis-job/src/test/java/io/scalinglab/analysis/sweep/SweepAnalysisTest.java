package io.scalinglab.analysis.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.analysis.fit.Fit;
import io.scalinglab.analysis.fit.FitForm;
import io.scalinglab.analysis.theory.Axis;
import io.scalinglab.analysis.theory.Comparison;
import io.scalinglab.core.config.AnalysisConfig;
import io.scalinglab.core.config.IntervalMethod;
import io.scalinglab.core.config.ModelSize;
import io.scalinglab.core.config.TheoryError;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sweep analysis on a synthetic sweep whose laws are known. */
class SweepAnalysisTest {
  static final AnalysisConfig SETTINGS = SweepAnalysisFixture.SETTINGS;

  static SweepData data() {
    return SweepAnalysisFixture.data();
  }

  @Test
  void divergedRunsAreExcludedWithTheirReason() {
    List<String> log = new ArrayList<>();
    AnalysisResult r = SweepAnalysis.analyze(data(), SETTINGS, log::add);
    assertEquals(1, r.excluded().size());
    Excluded e = r.excluded().get(0);
    assertEquals("tiny-n1-d2", e.runId());
    assertEquals("status is 'diverged', not 'done'", e.reason());
    assertEquals(
        List.of("sql", "tiny"), r.datasets().stream().map(DatasetResult::dataset).toList());
    assertEquals(11, r.datasets().get(1).runs().size());
    assertTrue(log.get(0).startsWith("dataset sql: 12 runs"), log.toString());
  }

  @Test
  void fitsAlongBothAxesWithTheLargestGroupsPrimary() {
    DatasetResult sql = SweepAnalysis.analyze(data(), SETTINGS, s -> {}).datasets().get(0);
    // data axis: 3 model sizes with 4 token counts each, power and offset forms; model axis: 4
    // token counts with 3 sizes each, power only (offset needs 4); one joint fit
    assertEquals(3 * 2 + 4 + 1, sql.fits().size());
    FitRecord primaryData =
        sql.fits().stream()
            .filter(f -> f.primary() && f.axis().equals(java.util.Optional.of(Axis.DATA)))
            .filter(f -> f.form() == FitForm.POWER)
            .findFirst()
            .orElseThrow();
    assertEquals("N = 1.600e+07", primaryData.group());
    Fit.Fitted joint =
        assertInstanceOf(
            Fit.Fitted.class,
            sql.fits().stream()
                .filter(f -> f.form() == FitForm.CHINCHILLA)
                .findFirst()
                .orElseThrow()
                .fit());
    // the joint fit recovers the data exponent the losses were made with (0.5 for sql) to within
    // its interval widened by the 0.5 % noise on 12 points
    assertEquals(0.5, joint.estimate("beta").value(), 0.1);
  }

  @Test
  void idOfTheLargestRunsLastLayerGivesThePredictions() {
    DatasetResult tiny = SweepAnalysis.analyze(data(), SETTINGS, s -> {}).datasets().get(1);
    IdChoice id = tiny.id().orElseThrow();
    assertEquals("tiny-n2-d3", id.row().runId());
    assertEquals("2", id.row().layer());
    assertEquals("mle", id.row().estimator());
    assertEquals(12.0, id.d().value(), 1e-12);
    assertEquals(11.5, id.d().low(), 1e-12);
    // d = 12, β = 1, squared: α_D = 2/14, α_N = 2/12
    assertEquals(2.0 / 14, tiny.theory().orElseThrow().alphaData().value(), 1e-12);
    assertEquals(2, tiny.comparisons().size());
    Comparison data = tiny.comparisons().get(0);
    assertEquals(Axis.DATA, data.axis());
    assertEquals(data.observed().value() - 2.0 / 14, data.difference(), 1e-12);
  }

  @Test
  void noMatchingIdEstimateIsANoteNotAFailure() {
    AnalysisConfig twonnK5 =
        new AnalysisConfig(
            1.0,
            TheoryError.SQUARED,
            "val_loss_mean5",
            ModelSize.NON_EMBEDDING,
            1e-3,
            IntervalMethod.T,
            100,
            0.95,
            7,
            0,
            "twonn",
            "",
            "",
            5);
    DatasetResult sql = SweepAnalysis.analyze(data(), twonnK5, s -> {}).datasets().get(0);
    assertTrue(sql.id().isEmpty());
    assertTrue(sql.comparisons().isEmpty());
    assertTrue(sql.notes().stream().anyMatch(n -> n.contains("no ID estimate matches")));
  }
}
