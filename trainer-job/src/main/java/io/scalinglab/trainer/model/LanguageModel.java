package io.scalinglab.trainer.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A GPT that the training loop, the optimizer and the activation collector can drive: named
 * parameter arrays updated in place, the loss and gradients of a batch, and the hidden states the
 * ID estimators read. {@link Gpt} (a SameDiff graph) and {@link GptKernel} (a hand-written forward
 * and backward pass) are the two implementations; they share parameter names, shapes and
 * initialisation, so a checkpoint of one loads into the other.
 */
public interface LanguageModel {
  GptConfig config();

  /** Every parameter by name, the arrays the model trains (updating them in place updates it). */
  Map<String, INDArray> params();

  /** Replaces every parameter's values (shapes must match), e.g. from a checkpoint. */
  void loadParams(Map<String, INDArray> values);

  /**
   * Mean cross-entropy of one batch and the gradient of every parameter.
   *
   * @param x token ids, row-major [batch, block]
   * @param y next-token targets, same shape
   */
  Gpt.Step lossAndGradients(int[] x, int[] y);

  /** Mean cross-entropy of one batch, forward pass only. */
  double loss(int[] x, int[] y);

  /** Logits [batch*block, vocab] of a batch of token ids [batch, block]. */
  INDArray logits(int[] x);

  /**
   * Hidden states [batch*block, width] at a named point: {@link Gpt#FINAL_BLOCK} (output of the
   * last block) or {@link Gpt#FINAL_LN} (after the final LayerNorm).
   */
  INDArray hidden(int[] x, String name);

  /**
   * Hidden states [batch*block, width] at several named points from one forward pass: {@code emb}
   * (token plus position embedding), {@code h_0} … {@code h_<n-layer − 1>} (each block's output),
   * {@link Gpt#FINAL_BLOCK} (the last block's output, the same values as the last {@code h_i}) and
   * {@code ln_f} (after the final LayerNorm). The map keeps the order of {@code names}; an unknown
   * name fails naming the valid ones.
   *
   * <p>The default asks {@link #hidden} once per name; engines override it with one pass.
   */
  default Map<String, INDArray> hiddenStates(int[] x, List<String> names) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, hidden(x, n.equals("ln_f") ? Gpt.FINAL_LN : n));
    }
    return out;
  }
}
