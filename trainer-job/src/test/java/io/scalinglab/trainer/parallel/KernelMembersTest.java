package io.scalinglab.trainer.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scalinglab.core.config.ElementwiseOps;
import io.scalinglab.core.config.Gelu;
import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.model.GptKernel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * W members of one thread each compute what one model of W threads computes, bit for bit: the same
 * parts of the batch, the same dropout masks, the gradients and losses summed in the same order.
 */
class KernelMembersTest {
  private static final GptConfig CONFIG =
      new GptConfig(2, 2, 16, 8, 11, true, true).withNumerics(Gelu.ERF, 1e-5, 0.2);

  @ParameterizedTest(name = "shared memory: {0}")
  @ValueSource(booleans = {true, false})
  void wMembersOfOneThreadEqualOneModelOfWThreads(boolean sharedMemory) throws Exception {
    // 5 windows: the parts are uneven (3 + 2, and 2 + 2 + 1)
    SplittableRandom rnd = new SplittableRandom(3);
    int[] x = rnd.ints(5 * CONFIG.blockSize(), 0, CONFIG.vocabSize()).toArray();
    int[] y = rnd.ints(5 * CONFIG.blockSize(), 0, CONFIG.vocabSize()).toArray();
    for (int w : new int[] {2, 3}) {
      GptKernel alone = new GptKernel(CONFIG, 7, DataType.FLOAT, w, ElementwiseOps.AUTO);
      // two steps in a row (the second on the targets as inputs), an evaluation between them
      alone.lossAndGradients(y, x, 98);
      double expectedEval = alone.loss(x, y);
      Gpt.Step expected = alone.lossAndGradients(x, y, 99);
      Map<String, float[]> expectedGrads = copy(expected.grads());

      List<TcpCollective> group = Members.connect(w, r -> () -> false, sharedMemory);
      List<Callable<Object[]>> members = new ArrayList<>();
      for (TcpCollective c : group) {
        members.add(
            () -> {
              GptKernel m = new GptKernel(CONFIG, 7, DataType.FLOAT, 1, ElementwiseOps.AUTO, c);
              m.lossAndGradients(y, x, 98);
              double eval = m.loss(x, y);
              Gpt.Step s = m.lossAndGradients(x, y, 99);
              Map<String, float[]> grads = copy(s.grads());
              return new Object[] {s.loss(), grads, eval};
            });
      }
      for (Object[] got : Members.onThreads(members)) {
        assertEquals(
            Double.doubleToLongBits(expected.loss()),
            Double.doubleToLongBits((double) got[0]),
            "w = " + w);
        @SuppressWarnings("unchecked")
        Map<String, float[]> grads = (Map<String, float[]>) got[1];
        for (Map.Entry<String, float[]> e : expectedGrads.entrySet()) {
          assertArrayEquals(e.getValue(), grads.get(e.getKey()), "w = " + w + ", " + e.getKey());
        }
        assertEquals(
            Double.doubleToLongBits(expectedEval), Double.doubleToLongBits((double) got[2]));
      }
      for (TcpCollective c : group) {
        assertEquals(sharedMemory ? "shared-memory" : "tcp", c.stats().transport());
        assertEquals(2, c.stats().sums());
        c.close();
      }
    }
  }

  private static Map<String, float[]> copy(Map<String, INDArray> grads) {
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    grads.forEach((k, v) -> out.put(k, v.dup().data().asFloat()));
    return out;
  }
}
