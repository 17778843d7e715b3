package io.scalinglab.trainer.model;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class GptKernelGradientTest {
  /**
   * Central finite differences in float64 against {@link GptKernel}'s analytic gradient, for a few
   * elements of every parameter, as {@code GptGradientTest} does for the graph, with the same
   * tolerance (eps = 1e-5: truncation ≈ 1e-10, round-off ≈ 1e-11; 1e-6 relative, 1e-8 absolute).
   * The weights are scaled up 20× so that GELU's inputs reach a few units, where an inexact GELU
   * derivative shows: with the library's ({@link GptKernel#useLibraryGeluGradient}) this test
   * fails, an embedding gradient off by 4e-5 relative.
   */
  @Test
  void everyParameterGroupMatchesFiniteDifferences() {
    for (boolean bias : new boolean[] {true, false}) {
      checkModel(new GptKernel(new GptConfig(2, 2, 8, 4, 11, bias, true), 5, DataType.DOUBLE));
    }
    checkModel(new GptKernel(new GptConfig(1, 2, 8, 4, 11, false, false), 6, DataType.DOUBLE));
  }

  private static void checkModel(GptKernel g) {
    for (Map.Entry<String, INDArray> e : g.params().entrySet()) {
      if (e.getValue().rank() == 2) {
        e.getValue().muli(20);
      }
    }
    GptGradientTest.checkModel(g);
  }
}
