package io.scalinglab.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class GptTest {
  @Test
  void gpt2SmallParameterCounts() {
    GptConfig c = GptConfig.gpt2Small();
    assertEquals(124_439_808L, c.totalParams());
    assertEquals(123_653_376L, c.flopParams(), "nanoGPT's get_num_params(): all but wpe");
    assertEquals(85_056_000L, c.nonEmbeddingParams());
    // Without biases (the paper's setting): minus 12 × (2·768 LN + 2304 + 768 + 3072 + 768) and
    // the final LayerNorm's 768 bias = 12 × 8,448 + 768 = 102,144.
    GptConfig noBias = new GptConfig(12, 12, 768, 1024, 50257, false, true);
    assertEquals(124_439_808L - 102_144L, noBias.totalParams());
    assertEquals(85_056_000L - 102_144L, noBias.nonEmbeddingParams());
  }

  @Test
  void graphHoldsExactlyTheCountedParameters() {
    GptConfig c = new GptConfig(2, 4, 32, 16, 100, true, true);
    long n = new Gpt(c, 1).params().values().stream().mapToLong(INDArray::length).sum();
    assertEquals(c.totalParams(), n);
    GptConfig untied = new GptConfig(2, 4, 32, 16, 100, false, false);
    long m = new Gpt(untied, 1).params().values().stream().mapToLong(INDArray::length).sum();
    assertEquals(untied.totalParams(), m);
  }

  @Test
  void changingTokenTLeavesEarlierOutputsBitIdentical() {
    GptConfig c = new GptConfig(2, 2, 16, 8, 50, false, true);
    Gpt g = new Gpt(c, 3);
    int[] x = new SplittableRandom(1).ints(16, 0, 50).toArray(); // batch 2
    INDArray before = g.logits(x).dup();
    int t = 5;
    x[t] = (x[t] + 1) % 50; // first sequence, position 5
    INDArray after = g.logits(x);
    for (int pos = 0; pos < t; pos++) {
      assertArrayEquals(
          before.getRow(pos).toFloatVector(), after.getRow(pos).toFloatVector(), 0f, "pos " + pos);
    }
    assertTrue(
        before.getRow(t).sub(after.getRow(t)).norm2Number().doubleValue() > 0,
        "position t itself changes");
  }

  @Test
  void initialLossIsAboutLogVocab() {
    GptConfig c = new GptConfig(2, 4, 64, 32, 256, false, true);
    Gpt g = new Gpt(c, 7);
    SplittableRandom r = new SplittableRandom(2);
    int[] x = r.ints(4 * 32, 0, 256).toArray();
    int[] y = r.ints(4 * 32, 0, 256).toArray();
    // With 0.02-scale weights the logits are near 0, so the loss is near ln(256) = 5.545; the
    // logits' spread (~0.02·sqrt(64)·|h| ≈ 0.2) moves it by at most a few hundredths.
    assertEquals(Math.log(256), g.loss(x, y), 0.05);
  }
}
