package io.scalinglab.trainer.model;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class GptKernelGradientTest {
  /**
   * Finite differences in float64 against {@link GptKernel}'s analytic gradient, for a few elements
   * of every parameter, as {@code GptGradientTest} does for the graph, with its tolerance and its
   * error budget (1e-6 relative, 1e-8 absolute). The weights are scaled up 20× so that GELU's
   * inputs reach a few units, where an inexact GELU derivative shows (libnd4j's {@code
   * precise_gelu_derivative}, used before, failed here: an embedding gradient off by 4e-5
   * relative). The configurations are {@code GptGradientTest}'s: both GELUs, biases, dropout.
   */
  @Test
  void everyParameterGroupMatchesFiniteDifferences() {
    for (GptConfig c : GptGradientTest.configs()) {
      checkModel(new GptKernel(c, 5, DataType.DOUBLE));
    }
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
