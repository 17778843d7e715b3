package io.scalinglab.trainer.model;

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
}
