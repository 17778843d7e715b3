package io.scalinglab.trainer.parallel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.config.ElementwiseOps;
import io.scalinglab.core.config.Gelu;
import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.model.GptKernel;
import io.scalinglab.trainer.optim.AdamW;
import io.scalinglab.trainer.optim.GradClip;
import io.scalinglab.trainer.optim.OptimConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
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

  /**
   * Members that step the optimizer in shards through shared memory (each its own parameters, the
   * norm from everyone's sums of squares) end every step on the parameters and moments of one model
   * of W threads stepping all of them: three steps, clipping at work (a small clip) and weight
   * decay.
   */
  @Test
  void membersSteppingTheOptimizerInShardsEqualOneModelOfWThreads() throws Exception {
    OptimConfig oc = new OptimConfig(1e-2, 1e-3, 0, 10, 0.9, 0.95, 1e-8, 0.1, 0.05);
    SplittableRandom rnd = new SplittableRandom(5);
    int windows = 4;
    int[][] xs = new int[3][];
    int[][] ys = new int[3][];
    for (int s = 0; s < 3; s++) {
      xs[s] = rnd.ints(windows * CONFIG.blockSize(), 0, CONFIG.vocabSize()).toArray();
      ys[s] = rnd.ints(windows * CONFIG.blockSize(), 0, CONFIG.vocabSize()).toArray();
    }
    for (int w : new int[] {2, 3}) {
      GptKernel alone = new GptKernel(CONFIG, 7, DataType.FLOAT, w, ElementwiseOps.AUTO);
      AdamW aloneOpt = new AdamW(oc, alone.params());
      List<Map<String, float[]>> expected = new ArrayList<>();
      double[] expectedNorms = new double[3];
      for (int s = 0; s < 3; s++) {
        Gpt.Step st = alone.lossAndGradients(xs[s], ys[s], 40 + s);
        expectedNorms[s] = GradClip.clipGlobalNorm(st.grads(), oc.gradClip());
        aloneOpt.step(st.grads(), 1e-2);
        expected.add(copy(alone.params()));
      }
      Map<String, float[]> expectedM = new java.util.LinkedHashMap<>();
      aloneOpt.names().forEach(n -> expectedM.put(n, aloneOpt.momentFloats(n, false)));

      List<TcpCollective> group = Members.connect(w, r -> () -> false, true);
      List<Callable<Object[]>> members = new ArrayList<>();
      for (TcpCollective c : group) {
        members.add(
            () -> {
              GptKernel m = new GptKernel(CONFIG, 7, DataType.FLOAT, 1, ElementwiseOps.AUTO, c);
              OptimizerShards shards = m.shardOptimizer();
              AdamW opt = new AdamW(oc, m.params(), shards.moments());
              List<Map<String, float[]>> params = new ArrayList<>();
              double[] norms = new double[3];
              for (int s = 0; s < 3; s++) {
                Gpt.Step st = m.lossAndGradients(xs[s], ys[s], 40 + s);
                norms[s] = shards.clipGlobalNorm(st.grads(), oc.gradClip());
                opt.step(st.grads(), 1e-2, shards.owned());
                shards.stepped();
                params.add(copy(m.params()));
              }
              Map<String, float[]> moments = new java.util.LinkedHashMap<>();
              opt.names().forEach(n -> moments.put(n, opt.momentFloats(n, false)));
              return new Object[] {params, norms, moments, shards.owned()};
            });
      }
      Set<String> owned = new java.util.HashSet<>();
      for (Object[] got : Members.onThreads(members)) {
        @SuppressWarnings("unchecked")
        List<Map<String, float[]>> params = (List<Map<String, float[]>>) got[0];
        for (int s = 0; s < 3; s++) {
          assertEquals(
              Double.doubleToLongBits(expectedNorms[s]),
              Double.doubleToLongBits(((double[]) got[1])[s]),
              "w = " + w + ", norm of step " + s);
          for (Map.Entry<String, float[]> e : expected.get(s).entrySet()) {
            assertArrayEquals(
                e.getValue(), params.get(s).get(e.getKey()), "w = " + w + ", " + e.getKey());
          }
        }
        @SuppressWarnings("unchecked")
        Map<String, float[]> moments = (Map<String, float[]>) got[2];
        expectedM.forEach((n, v) -> assertArrayEquals(v, moments.get(n), "w = " + w + ", m " + n));
        @SuppressWarnings("unchecked")
        Set<String> mine = (Set<String>) got[3];
        mine.forEach(n -> assertTrue(owned.add(n), n + " stepped by two members"));
      }
      assertEquals(alone.params().keySet(), owned, "every parameter stepped by one member");
      assertTrue(expectedNorms[2] > oc.gradClip(), "the test clips");
      group.forEach(TcpCollective::close);
    }
  }

  private static Map<String, float[]> copy(Map<String, INDArray> grads) {
    Map<String, float[]> out = new java.util.LinkedHashMap<>();
    grads.forEach((k, v) -> out.put(k, v.dup().data().asFloat()));
    return out;
  }
}
