package io.scalinglab.trainer.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.config.Gelu;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link LanguageModel#hiddenStates} in both engines: what each name holds, that one pass gives
 * what one name at a time gives, that nothing drops, and the causal check on every state.
 */
class HiddenStatesTest {
  private static final GptConfig C =
      new GptConfig(2, 2, 16, 8, 50, true, true).withNumerics(Gelu.ERF, 1e-5, 0.3);

  private static List<LanguageModel> engines() {
    return List.of(new Gpt(C, 3), new GptKernel(C, 3));
  }

  @Test
  void namesAreTheEmbeddingEveryBlockTheLastBlockAndTheFinalLayerNorm() {
    assertEquals(
        List.of("emb", "h_0", "h_1", "h_final", "ln_f"), LanguageModel.hiddenStateNames(2));
    assertEquals("ln_f", LanguageModel.hiddenStateName(Gpt.FINAL_LN, 2));
  }

  /**
   * {@code h_1} is {@code h_final} and {@code ln_f_out} is {@code ln_f}, bit for bit; {@code emb}
   * is wte[x] + wpe[position] (one float addition, so bit for bit too); {@link
   * LanguageModel#hidden} gives what the one pass gives.
   */
  @Test
  void eachNameHoldsItsState() {
    int[] x = new SplittableRandom(1).ints(2 * C.blockSize(), 0, C.vocabSize()).toArray();
    for (LanguageModel m : engines()) {
      List<String> names = new ArrayList<>(LanguageModel.hiddenStateNames(C.nLayer()));
      names.add(Gpt.FINAL_LN);
      Map<String, INDArray> s = m.hiddenStates(x, names);
      assertEquals(names, List.copyOf(s.keySet()), "the order asked");
      String what = m.getClass().getSimpleName();
      assertEquals(s.get("h_1"), s.get(Gpt.FINAL_BLOCK), what);
      assertEquals(s.get(Gpt.LN_F), s.get(Gpt.FINAL_LN), what);
      INDArray wte = m.params().get(Gpt.WTE);
      INDArray wpe = m.params().get(Gpt.WPE);
      for (int i = 0; i < x.length; i++) {
        INDArray expected = wte.getRow(x[i]).add(wpe.getRow(i % C.blockSize()));
        assertEquals(expected, s.get(Gpt.EMB).getRow(i), what + " emb row " + i);
      }
      for (String n : names) {
        assertEquals(s.get(n), m.hidden(x, n), what + " hidden(" + n + ")");
      }
      assertTrue(s.get("h_0").sub(s.get("h_1")).amaxNumber().doubleValue() > 0, "blocks differ");
    }
  }

  @Test
  void anUnknownNameFailsNamingTheValidOnes() {
    int[] x = new int[C.blockSize()];
    for (LanguageModel m : engines()) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> m.hiddenStates(x, List.of("h_2")));
      assertTrue(e.getMessage().contains("'h_2'"), e.getMessage());
      assertTrue(e.getMessage().contains("emb, h_0, h_1, h_final, ln_f"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> m.hidden(x, "h_final_ln"));
    }
  }

  /**
   * Changing token t leaves every state and the logits at earlier positions bit-identical, in both
   * engines, with dropout configured (evaluation never drops).
   */
  @Test
  void changingTokenTLeavesEarlierStatesBitIdentical() {
    List<String> names = LanguageModel.hiddenStateNames(C.nLayer());
    for (LanguageModel m : engines()) {
      int[] x = new SplittableRandom(2).ints(2 * C.blockSize(), 0, C.vocabSize()).toArray();
      Map<String, INDArray> before = m.hiddenStates(x, names);
      INDArray logitsBefore = m.logits(x).dup();
      int t = 5;
      x[t] = (x[t] + 1) % C.vocabSize();
      Map<String, INDArray> after = m.hiddenStates(x, names);
      INDArray logitsAfter = m.logits(x);
      String what = m.getClass().getSimpleName();
      for (int pos = 0; pos < t; pos++) {
        for (String n : names) {
          assertArrayEquals(
              before.get(n).getRow(pos).toFloatVector(),
              after.get(n).getRow(pos).toFloatVector(),
              0f,
              what + " " + n + " pos " + pos);
        }
        assertArrayEquals(
            logitsBefore.getRow(pos).toFloatVector(),
            logitsAfter.getRow(pos).toFloatVector(),
            0f,
            what + " logits pos " + pos);
      }
      assertTrue(
          logitsBefore.getRow(t).sub(logitsAfter.getRow(t)).norm2Number().doubleValue() > 0,
          what + ": position t itself changes");
    }
  }

  /** States and losses outside training are those of the same weights without dropout. */
  @Test
  void evaluationNeverDrops() {
    GptConfig none = C.withNumerics(C.gelu(), C.layerNormEps(), 0);
    int[] x = new SplittableRandom(3).ints(2 * C.blockSize(), 0, C.vocabSize()).toArray();
    List<String> names = LanguageModel.hiddenStateNames(C.nLayer());
    for (boolean kernel : new boolean[] {true, false}) {
      LanguageModel with = kernel ? new GptKernel(C, 3) : new Gpt(C, 3);
      LanguageModel without = kernel ? new GptKernel(none, 3) : new Gpt(none, 3);
      Map<String, INDArray> a = with.hiddenStates(x, names);
      Map<String, INDArray> b = without.hiddenStates(x, names);
      for (String n : names) {
        assertEquals(b.get(n), a.get(n), n);
      }
      assertEquals(without.loss(x, x), with.loss(x, x), 0.0);
      assertEquals(without.logits(x), with.logits(x));
    }
  }
}
