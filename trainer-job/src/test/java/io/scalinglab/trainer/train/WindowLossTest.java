package io.scalinglab.trainer.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.scalinglab.trainer.data.TokenSource;
import io.scalinglab.trainer.model.Gpt;
import io.scalinglab.trainer.model.GptConfig;
import io.scalinglab.trainer.model.LanguageModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Which tokens {@link WindowLoss} feeds a model, and how it averages the batches' losses. */
class WindowLossTest {
  /** A "model" whose loss of a batch is the mean of its targets, and which records its inputs. */
  static final class Recorder implements LanguageModel {
    final GptConfig config;
    final List<int[]> xs = new ArrayList<>();
    final List<int[]> ys = new ArrayList<>();

    Recorder(int block, int vocab) {
      config = new GptConfig(1, 1, 4, block, vocab, false, true);
    }

    @Override
    public GptConfig config() {
      return config;
    }

    @Override
    public double loss(int[] x, int[] y) {
      xs.add(x);
      ys.add(y);
      double s = 0;
      for (int v : y) {
        s += v;
      }
      return s / y.length;
    }

    @Override
    public Map<String, INDArray> params() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void loadParams(Map<String, INDArray> values) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Gpt.Step lossAndGradients(int[] x, int[] y) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Gpt.Step lossAndGradients(int[] x, int[] y, long dropoutSeed) {
      throw new UnsupportedOperationException();
    }

    @Override
    public INDArray logits(int[] x) {
      throw new UnsupportedOperationException();
    }

    @Override
    public INDArray hidden(int[] x, String name) {
      throw new UnsupportedOperationException();
    }
  }

  private static int[] positions(int n) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = i;
    }
    return t;
  }

  @Test
  void windowsAreConsecutiveAndTargetsShiftedByOne() {
    Recorder m = new Recorder(4, 64);
    WindowLoss.Result r = WindowLoss.of(m, TokenSource.of(positions(14)), 3);
    assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, m.xs.get(0));
    assertArrayEquals(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, m.ys.get(0));
    assertEquals(6.5, r.loss(), 1e-12, "mean of the targets 1..12");
    assertEquals(12, r.tokens());
    assertEquals(3, WindowLoss.available(14, 4), "13 tokens would hold 3 too, 12 only 2");
    assertEquals(2, WindowLoss.available(12, 4));
  }

  @Test
  void unevenBatchesAreWeightedByTheirWindows() {
    // Vocabulary such that 16 windows fill the logits budget: batches of 16 and 4.
    int block = 2;
    int vocab = (int) (WindowLoss.LOGITS_BUDGET / (16 * block));
    assertEquals(16, WindowLoss.batchSize(block, vocab));
    Recorder m = new Recorder(block, vocab);
    WindowLoss.Result r = WindowLoss.of(m, TokenSource.of(positions(41)), 20);
    assertEquals(2, m.xs.size());
    assertEquals(8, m.xs.get(1).length, "4 windows of 2");
    assertEquals(20.5, r.loss(), 1e-12, "mean of the targets 1..40");
  }

  @Test
  void askingForMoreWindowsThanTheTokensHoldFails() {
    Recorder m = new Recorder(4, 64);
    assertThrows(
        IllegalArgumentException.class, () -> WindowLoss.of(m, TokenSource.of(positions(12)), 3));
    assertThrows(
        IllegalArgumentException.class, () -> WindowLoss.of(m, TokenSource.of(positions(12)), 0));
  }
}
