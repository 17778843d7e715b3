package io.scalinglab.trainer.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** result.json's regime fields: how they are computed, written and read back. */
class RunResultTest {
  private static RunResult result(Regime regime) {
    return new RunResult(
        "r",
        "done",
        null,
        10,
        2000,
        100,
        60,
        500,
        1.5,
        1.4,
        1.45,
        3.0,
        700.0,
        0.01,
        List.of(new double[] {5, 1.4}, new double[] {10, 1.5}),
        regime);
  }

  @Test
  void epochsAndTokensPerParamAreRatiosOfTokensTrained() {
    RunResult r = result(Regime.OVERFITTING);
    assertEquals(4.0, r.epochs(), "2,000 tokens trained of a 500-token subset");
    assertEquals(20.0, r.tokensPerParam(), "2,000 tokens for 100 parameters (all of them)");
    ObjectNode json = r.toJson();
    assertEquals(4.0, json.path("epochs").asDouble());
    assertEquals(20.0, json.path("tokens_per_param").asDouble());
    assertEquals("overfitting", json.path("regime").asText());
    assertEquals(Regime.OVERFITTING, RunResult.fromJson(json).regime());
    assertTrue(r.summary().contains("4.00 epochs, 20.0 tokens/param"), r.summary());
  }

  @Test
  void aResultWrittenBeforeRegimesReadsAsUnknown() {
    ObjectNode old = result(Regime.CONVERGED).toJson();
    old.remove("regime");
    RunResult r = RunResult.fromJson(old);
    assertNull(r.regime());
    assertTrue(r.toJson().path("regime").isNull());
  }
}
