package io.scalinglab.trainer.model;

import io.scalinglab.core.store.LayerOrder;
import io.scalinglab.trainer.parallel.OptimizerShards;
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

  /**
   * As a member of a data-parallel group whose members share memory, splits the optimizer step
   * among them ({@link OptimizerShards}): after this call a step's gradients hold the sum for this
   * member's own parameters only. Null, and nothing changes, for a model alone or a group that sums
   * over TCP. Every member calls it at the same point, before any step.
   */
  default OptimizerShards shardOptimizer() {
    return null;
  }

  /** Every parameter by name, the arrays the model trains (updating them in place updates it). */
  Map<String, INDArray> params();

  /** Replaces every parameter's values (shapes must match), e.g. from a checkpoint. */
  void loadParams(Map<String, INDArray> values);

  /**
   * Mean cross-entropy of one batch and the gradient of every parameter, without dropout: the
   * gradient of {@link #loss}. Training goes through {@link #lossAndGradients(int[], int[], long)}.
   *
   * @param x token ids, row-major [batch, block]
   * @param y next-token targets, same shape
   */
  Gpt.Step lossAndGradients(int[] x, int[] y);

  /**
   * A training step's mean cross-entropy and gradients: with {@code config().dropout()} above 0,
   * through the dropout masks that {@code dropoutSeed} draws ({@link Dropout}; the training loop
   * passes {@link Dropout#seed}(run seed, step, micro-batch)), so that the same seed gives the same
   * masks in either engine, on any number of shards. Without dropout the seed is unused and this is
   * {@link #lossAndGradients(int[], int[])}.
   */
  Gpt.Step lossAndGradients(int[] x, int[] y, long dropoutSeed);

  /** Mean cross-entropy of one batch, forward pass only. */
  double loss(int[] x, int[] y);

  /** Logits [batch*block, vocab] of a batch of token ids [batch, block]. */
  INDArray logits(int[] x);

  /**
   * Hidden states [batch*block, width] at a named point, one of {@link #hiddenStateNames}: as
   * {@link #hiddenStates} with that one name.
   */
  INDArray hidden(int[] x, String name);

  /**
   * Hidden states [batch*block, width] at several named points from one forward pass: {@code emb}
   * (token plus position embedding), {@code h_0} … {@code h_<n-layer − 1>} (each block's output),
   * {@link Gpt#FINAL_BLOCK} (the last block's output, the same values as the last {@code h_i}) and
   * {@code ln_f} (after the final LayerNorm; {@link Gpt#FINAL_LN} names it too). The map keeps the
   * order of {@code names}; an unknown name fails naming the valid ones. Never with dropout.
   *
   * <p>The default asks {@link #hidden} once per name; both engines override it with one pass.
   */
  default Map<String, INDArray> hiddenStates(int[] x, List<String> names) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String n : names) {
      out.put(n, hidden(x, n));
    }
    return out;
  }

  /**
   * Every hidden state a model of {@code nLayer} blocks has, in the order of the forward pass:
   * {@code emb}, {@code h_0} … {@code h_<nLayer − 1>}, {@code h_final}, {@code ln_f}.
   */
  static List<String> hiddenStateNames(int nLayer) {
    return LayerOrder.hiddenStates(nLayer);
  }

  /**
   * The name {@code name} stands for among {@link #hiddenStateNames}: itself, or {@code ln_f} for
   * {@link Gpt#FINAL_LN}.
   *
   * @throws IllegalArgumentException naming the valid names, if it is none of them
   */
  static String hiddenStateName(String name, int nLayer) {
    String n = name.equals(Gpt.FINAL_LN) ? Gpt.LN_F : name;
    List<String> valid = hiddenStateNames(nLayer);
    if (!valid.contains(n)) {
      throw new IllegalArgumentException(
          "unknown hidden state '"
              + name
              + "': a model of "
              + nLayer
              + " blocks has "
              + String.join(", ", valid));
    }
    return n;
  }
}
