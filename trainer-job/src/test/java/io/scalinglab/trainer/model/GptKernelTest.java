package io.scalinglab.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.config.Gelu;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link GptKernel} against {@link Gpt}, whose gradients {@code GptGradientTest} checks by finite
 * differences. Given the same parameters (and the same dropout seed, so the same masks), both
 * compute the same functions in a different order of floating-point operations: in float64 that
 * leaves differences of a few ulps (measured up to 2e-15 relative to the largest element; tolerance
 * 1e-9), in float32 of order 1e-6 (tolerance 1e-4; the vector ops' erf adds 4e-7 at most, {@code
 * KernelOpsTest}).
 */
class GptKernelTest {
  /** Every GELU, with and without biases, two epsilons, with and without dropout. */
  @Test
  void matchesSameDiffInDouble() {
    boolean tied = true;
    for (Gelu gelu : Gelu.values()) {
      for (boolean bias : new boolean[] {true, false}) {
        for (double eps : new double[] {1e-5, 0.1}) {
          for (double dropout : new double[] {0, 0.2}) {
            GptConfig c =
                new GptConfig(2, 2, 16, 8, 11, bias, tied).withNumerics(gelu, eps, dropout);
            compare(c, DataType.DOUBLE, 1e-9);
            tied = !tied;
          }
        }
      }
    }
  }

  @Test
  void matchesSameDiffInFloat() {
    compare(new GptConfig(2, 2, 16, 8, 11, true, true), DataType.FLOAT, 1e-4);
    GptConfig c = new GptConfig(2, 4, 32, 16, 50, false, false);
    compare(c.withNumerics(Gelu.TANH, 1e-5, 0.1), DataType.FLOAT, 1e-4);
    compare(c.withNumerics(Gelu.ERF, 1e-5, 0.1), DataType.FLOAT, 1e-4);
  }

  @Test
  void sameSeedDrawsGptsWeights() {
    GptConfig c = new GptConfig(2, 2, 16, 8, 11, true, false);
    Map<String, INDArray> ref = new Gpt(c, 4).params();
    Map<String, INDArray> ours = new GptKernel(c, 4).params();
    assertEquals(ref.keySet().stream().toList(), ours.keySet().stream().toList());
    for (String n : ref.keySet()) {
      assertEquals(ref.get(n), ours.get(n), n);
    }
  }

  /**
   * A batch cut into shards on several threads gives the loss and gradients of the whole batch: in
   * float64 up to the rounding of a different order of sums (measured ~1e-16 relative; tolerance
   * 1e-12), in float32 within 1e-5. Covers shards of unequal size (3 windows on 2 threads, 5 on 3),
   * fewer windows than threads, and one window (no sharding at all).
   */
  @Test
  void shardsGiveTheWholeBatchsGradients() {
    GptConfig c = new GptConfig(2, 2, 16, 8, 11, true, true);
    for (DataType dtype : new DataType[] {DataType.DOUBLE, DataType.FLOAT}) {
      double tol = dtype == DataType.DOUBLE ? 1e-12 : 1e-5;
      GptKernel one = new GptKernel(c, 3, dtype, 1);
      for (int threads : new int[] {2, 3}) {
        GptKernel sharded = new GptKernel(c, 3, dtype, threads);
        assertEquals(threads, sharded.shards());
        SplittableRandom r = new SplittableRandom(threads);
        for (int batch : new int[] {5, 3, 1, 2, 5}) {
          int n = batch * c.blockSize();
          int[] x = r.ints(n, 0, c.vocabSize()).toArray();
          int[] y = r.ints(n, 0, c.vocabSize()).toArray();
          String what = dtype + ", " + batch + " windows on " + threads + " threads";
          Gpt.Step a = one.lossAndGradients(x, y);
          double loss = a.loss();
          Map<String, INDArray> expected = new LinkedHashMap<>();
          a.grads().forEach((k, v) -> expected.put(k, v.dup()));
          Gpt.Step b = sharded.lossAndGradients(x, y);
          assertEquals(loss, b.loss(), tol * loss, what + " loss");
          for (String name : expected.keySet()) {
            close(expected.get(name), b.grads().get(name), tol, what + " grad " + name);
          }
          assertEquals(one.loss(x, y), sharded.loss(x, y), tol * loss, what + " loss()");
        }
      }
    }
  }

  /** The sum over shards runs in a fixed order: the same batch gives the same bits every time. */
  @Test
  void shardedGradientsAreReproducible() {
    GptConfig c = new GptConfig(2, 2, 16, 8, 50, false, true);
    GptKernel k = new GptKernel(c, 8, DataType.FLOAT, 2);
    SplittableRandom r = new SplittableRandom(5);
    int n = 4 * c.blockSize();
    int[] x = r.ints(n, 0, c.vocabSize()).toArray();
    int[] y = r.ints(n, 0, c.vocabSize()).toArray();
    Map<String, INDArray> first = new LinkedHashMap<>();
    k.lossAndGradients(x, y).grads().forEach((name, g) -> first.put(name, g.dup()));
    for (int i = 0; i < 5; i++) {
      Map<String, INDArray> again = k.lossAndGradients(x, y).grads();
      first.forEach((name, g) -> assertEquals(g, again.get(name), name));
    }
  }

  /** A shard's failure reaches the caller as the exception the shard threw. */
  @Test
  void aShardsFailureIsThrownAsItself() {
    GptConfig c = new GptConfig(1, 2, 8, 4, 11, false, true);
    GptKernel k = new GptKernel(c, 1, DataType.FLOAT, 2);
    int[] x = new int[2 * c.blockSize()];
    int[] y = new int[x.length];
    y[y.length - 1] = 11; // outside the vocabulary, in the second shard
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> k.lossAndGradients(x, y));
    assertTrue(e.getMessage().contains("11"), e.getMessage());
    y[y.length - 1] = 0;
    assertTrue(Double.isFinite(k.lossAndGradients(x, y).loss()), "usable after the failure");
  }

  /**
   * Dropout's masks depend on the seed and each window's index in the batch, not on how the batch
   * is cut: a batch on 2 or 3 shards gives the loss and gradients of the whole batch on one, up to
   * the rounding of the shard sum (as {@link #shardsGiveTheWholeBatchsGradients}). A different seed
   * gives a different loss, and the same seed the same bits.
   */
  @Test
  void dropoutMasksAreTheSameOnAnyNumberOfShards() {
    GptConfig c = new GptConfig(2, 2, 16, 8, 11, true, true).withNumerics(Gelu.ERF, 1e-5, 0.3);
    GptKernel one = new GptKernel(c, 3, DataType.DOUBLE, 1);
    SplittableRandom r = new SplittableRandom(2);
    int n = 5 * c.blockSize();
    int[] x = r.ints(n, 0, c.vocabSize()).toArray();
    int[] y = r.ints(n, 0, c.vocabSize()).toArray();
    Gpt.Step a = one.lossAndGradients(x, y, 42);
    double loss = a.loss();
    Map<String, INDArray> expected = new LinkedHashMap<>();
    a.grads().forEach((k, v) -> expected.put(k, v.dup()));
    for (int threads : new int[] {2, 3}) {
      Gpt.Step b = new GptKernel(c, 3, DataType.DOUBLE, threads).lossAndGradients(x, y, 42);
      assertEquals(loss, b.loss(), 1e-12 * loss, threads + " shards: loss");
      for (String name : expected.keySet()) {
        close(expected.get(name), b.grads().get(name), 1e-12, threads + " shards: " + name);
      }
    }
    assertEquals(loss, one.lossAndGradients(x, y, 42).loss(), 0.0, "same seed, same bits");
    assertNotEquals(loss, one.lossAndGradients(x, y, 43).loss(), "another seed");
    assertNotEquals(loss, one.loss(x, y), "loss() does not drop");
    assertEquals(one.loss(x, y), one.lossAndGradients(x, y).loss(), 1e-12, "nor does this");
  }

  /**
   * nanoGPT's LayerNorm biases, by GPT-2's names, exist in both engines when biases are on, and
   * train: their gradients are not zero.
   */
  @Test
  void layerNormBiasesExistAndTrain() {
    GptConfig c = new GptConfig(2, 2, 16, 8, 11, true, true);
    int[] x = new SplittableRandom(6).ints(2 * c.blockSize(), 0, c.vocabSize()).toArray();
    for (LanguageModel m : List.of(new Gpt(c, 3), new GptKernel(c, 3))) {
      Map<String, INDArray> grads = m.lossAndGradients(x, x).grads();
      for (String name : List.of("h.0.ln_1.bias", "h.1.ln_2.bias", "ln_f.bias")) {
        assertTrue(m.params().containsKey(name), m.getClass().getSimpleName() + " has " + name);
        assertTrue(grads.get(name).amaxNumber().doubleValue() > 0, name + " has a gradient");
      }
    }
  }

  /**
   * Rows of equal values reach every LayerNorm when the embeddings are 0 (and so every block's
   * output): the epsilon keeps the loss and gradients finite in both engines, in float32.
   */
  @Test
  void constantRowsGiveFiniteLossAndGradients() {
    GptConfig c = new GptConfig(2, 2, 16, 8, 11, true, true);
    int[] x = new SplittableRandom(7).ints(2 * c.blockSize(), 0, c.vocabSize()).toArray();
    for (LanguageModel m : List.of(new Gpt(c, 3), new GptKernel(c, 3))) {
      for (INDArray p : m.params().values()) {
        if (p.rank() == 2) {
          p.assign(0); // every row of every activation is then constant
        }
      }
      Gpt.Step s = m.lossAndGradients(x, x);
      String what = m.getClass().getSimpleName();
      assertEquals(Math.log(c.vocabSize()), s.loss(), 1e-6, what + ": uniform logits");
      for (Map.Entry<String, INDArray> g : s.grads().entrySet()) {
        assertTrue(
            Double.isFinite(g.getValue().sumNumber().doubleValue()), what + " " + g.getKey());
      }
    }
  }

  /** With dropout 0 the seed changes nothing: the same bits as the step without one. */
  @Test
  void withoutDropoutTheSeedIsUnused() {
    GptConfig c = new GptConfig(2, 2, 16, 8, 11, true, true);
    GptKernel k = new GptKernel(c, 3);
    int[] x = new SplittableRandom(4).ints(2 * c.blockSize(), 0, c.vocabSize()).toArray();
    double plain = k.lossAndGradients(x, x).loss();
    assertEquals(plain, k.lossAndGradients(x, x, 7).loss(), 0.0);
    assertEquals(plain, new Gpt(c, 3).lossAndGradients(x, x, 7).loss(), 1e-4 * plain);
  }

  private static void compare(GptConfig c, DataType dtype, double tol) {
    Gpt ref = new Gpt(c, 5, dtype);
    // Perturb the LayerNorm gains and biases away from 1 and 0, so their gradients are tested too.
    SplittableRandom r = new SplittableRandom(11);
    for (INDArray p : ref.params().values()) {
      for (long i = 0; i < p.length(); i++) {
        p.putScalar(i, p.getDouble(i) + 0.1 * (r.nextDouble() - 0.5));
      }
    }
    GptKernel k = new GptKernel(c, 99, dtype);
    k.loadParams(ref.params());
    String what = c + " " + dtype;
    for (int batch : new int[] {2, 3, 2}) { // a second batch size, then the first's buffers again
      int n = batch * c.blockSize();
      int[] x = r.ints(n, 0, c.vocabSize()).toArray();
      x[1] = x[0]; // repeated tokens: the embedding's gradient must add
      x[n - 1] = x[0];
      int[] y = r.ints(n, 0, c.vocabSize()).toArray();
      long seed = batch; // the same masks in both, where there is dropout
      Gpt.Step a = ref.lossAndGradients(x, y, seed);
      Gpt.Step b = k.lossAndGradients(x, y, seed);
      assertEquals(a.loss(), b.loss(), tol * Math.abs(a.loss()), what + " loss");
      double evalLoss = ref.loss(x, y);
      assertEquals(evalLoss, k.loss(x, y), tol * evalLoss, what + " loss()");
      assertEquals(a.grads().keySet(), b.grads().keySet());
      for (String name : a.grads().keySet()) {
        close(a.grads().get(name), b.grads().get(name), tol, what + " grad " + name);
      }
      close(ref.logits(x), k.logits(x), tol, what + " logits");
      for (String h : new String[] {Gpt.FINAL_BLOCK, Gpt.FINAL_LN}) {
        close(ref.hidden(x, h), k.hidden(x, h), tol, what + " " + h);
      }
      List<String> names = LanguageModel.hiddenStateNames(c.nLayer());
      Map<String, INDArray> s0 = ref.hiddenStates(x, names);
      Map<String, INDArray> s1 = k.hiddenStates(x, names);
      for (String h : names) {
        close(s0.get(h), s1.get(h), tol, what + " hiddenStates " + h);
      }
    }
  }

  static void close(INDArray expected, INDArray actual, double tol, String what) {
    assertEquals(expected.length(), actual.length(), what + " length");
    INDArray e = expected.reshape(expected.length()).castTo(DataType.DOUBLE);
    INDArray a = actual.reshape(actual.length()).castTo(DataType.DOUBLE);
    double scale = e.amaxNumber().doubleValue();
    double err = e.sub(a).amaxNumber().doubleValue();
    assertTrue(err <= tol * scale + 1e-300, what + ": max error " + err + ", scale " + scale);
  }
}
