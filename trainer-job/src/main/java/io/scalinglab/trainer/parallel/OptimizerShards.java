package io.scalinglab.trainer.parallel;

import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The optimizer step of a data-parallel group split among its members (ZeRO's first stage, in
 * memory the members share on one host): each member clips and steps its own parameters, from the
 * gradient sums it made, with AdamW's moments and the parameters in memory every member reads, so
 * no member repeats another's work and nothing is copied between them. The values are those of one
 * model stepping every parameter: the same sums, the global norm added in the same order.
 *
 * <p>Per step, after the gradients: {@link #clipGlobalNorm}, then AdamW on {@link #owned} only,
 * then {@link #stepped}, on every member in the same order.
 */
public interface OptimizerShards {
  /** AdamW's moments' memory, for {@code new AdamW(config, params, moments())}. */
  ByteBuffer moments();

  /** The parameters this member steps. */
  Set<String> owned();

  /**
   * As {@code GradClip.clipGlobalNorm}: the global L2 norm of the summed gradients, from every
   * member's sums of squares of its own, and this member's own gradients clipped by it.
   */
  double clipGlobalNorm(Map<String, INDArray> grads, double maxNorm);

  /** Waits until every member has stepped its parameters. */
  void stepped();
}
