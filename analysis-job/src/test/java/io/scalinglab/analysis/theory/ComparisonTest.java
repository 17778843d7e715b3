package io.scalinglab.analysis.theory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.analysis.fit.Estimate;
import org.junit.jupiter.api.Test;

/** The verdict of a comparison: agrees, agrees within the ID's uncertainty, outside, ... */
class ComparisonTest {
  private static final Interval PREDICTED = new Interval(0.20, 0.19, 0.21);
  private static final Interval BAND = new Interval(0.20, 0.15, 0.25);

  private static Comparison of(Estimate observed, Interval systematic, String regime) {
    return new Comparison(
        "ds",
        Axis.DATA,
        PREDICTED,
        systematic,
        systematic.bounded() ? "layer" : "",
        Interval.point(0.3),
        observed,
        "power law",
        regime,
        regime.equals("ok") ? "" : "run r1 (D = 1e6, improving) was still improving");
  }

  @Test
  void verdicts() {
    Estimate inside = new Estimate("alpha", 0.22, 0.18, 0.26, 0.01);
    Estimate nearBand = new Estimate("alpha", 0.30, 0.24, 0.36, 0.03);
    Estimate far = new Estimate("alpha", 0.03, 0.01, 0.05, 0.01);
    Estimate none = new Estimate("alpha", 0.2, Double.NaN, Double.NaN, Double.NaN);
    assertEquals("agrees", of(inside, BAND, "ok").verdictKey());
    assertEquals("agrees within the ID's uncertainty", of(nearBand, BAND, "ok").verdictKey());
    assertEquals("outside the interval", of(nearBand, Interval.point(0.2), "ok").verdictKey());
    assertEquals("outside the interval", of(far, BAND, "ok").verdictKey());
    assertEquals("no fitted interval", of(none, BAND, "ok").verdictKey());
    Comparison flagged = of(inside, BAND, Comparison.NOT_COMPARABLE);
    assertEquals("not comparable", flagged.verdictKey());
    assertTrue(flagged.verdict().startsWith("not comparable: run r1"), flagged.verdict());
    assertTrue(
        of(far, BAND, "ok").verdict().contains("misses the predicted band [0.15, 0.25]"),
        of(far, BAND, "ok").verdict());
  }

  @Test
  void theVerdictSaysWhichUncertaintyDominates() {
    Estimate e = new Estimate("alpha", 0.22, 0.18, 0.26, 0.01);
    assertEquals(
        "the ID's systematic spread (±0.05, mostly layer) dominates its sampling interval (±0.01)",
        of(e, BAND, "ok").dominance());
    assertTrue(
        of(e, new Interval(0.2, 0.199, 0.201), "ok")
            .dominance()
            .startsWith("the ID's sampling interval (±0.01) dominates"));
    assertTrue(of(e, Interval.point(0.2), "ok").dominance().contains("no systematic band"));
  }
}
