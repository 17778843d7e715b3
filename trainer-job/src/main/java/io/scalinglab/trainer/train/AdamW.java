package io.scalinglab.trainer.train;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.nd4j.linalg.api.blas.Level1;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.updaters.AdamUpdater;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * AdamW (Loshchilov &amp; Hutter 2019, "Decoupled Weight Decay Regularization") as {@code
 * torch.optim.AdamW} computes it, updating ND4J parameter arrays in place. Weight decay applies
 * only to parameters of rank 2 or more, the split nanoGPT's {@code configure_optimizers} makes:
 * matmul weights and embeddings decay, LayerNorm gains and biases do not.
 *
 * <p>Per parameter {@code p} with gradient {@code g}, at step {@code t} (1 on the first call):
 *
 * <pre>
 * p *= 1 - lr * weightDecay                      (decayed parameters only)
 * m  = beta1 * m + (1 - beta1) * g
 * v  = beta2 * v + (1 - beta2) * g^2
 * p -= lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + eps)
 * </pre>
 *
 * <p>The moment update and the step direction run in one pass through ND4J's fused {@code
 * adam_updater} op. That op folds the bias corrections into one scalar and adds {@code eps} to
 * {@code sqrt(v)} rather than to {@code sqrt(v / (1 - beta2^t))} (the Adam paper's form, not
 * PyTorch's), so it is given {@code eps * sqrt(1 - beta2^t)}, which makes the two equal; and it
 * computes its scalar in float32, so the step is rescaled by the double-precision value over the
 * op's float one. A step costs three native calls per parameter (decay, fused update, axpy) and
 * allocates nothing. Not thread-safe: one optimizer belongs to one training loop.
 */
public final class AdamW {
  private final OptimConfig config;
  private final Map<String, INDArray> params;
  private final Map<String, INDArray> m;
  private final Map<String, INDArray> v;
  private final Set<String> decayed;

  /** Where the fused op writes the unscaled step of one parameter: views into one buffer. */
  private final Map<String, INDArray> scratch;

  private int stepCount;

  /**
   * An optimizer for {@code params}, with zero moments. The arrays are kept, not copied: {@link
   * #step} changes them in place, so pass the model's own parameter arrays.
   *
   * @param params parameter arrays by name, all FLOAT or all DOUBLE, C-ordered and not views
   * @throws IllegalArgumentException if {@code params} is empty or an array does not qualify
   */
  public AdamW(OptimConfig c, Map<String, INDArray> params) {
    this.config = requireNonNull(c, "c");
    requireNonNull(params, "params");
    if (params.isEmpty()) {
      throw new IllegalArgumentException("params is empty: give the model's parameters by name");
    }
    Map<String, INDArray> sorted = new TreeMap<>(params);
    Map<String, INDArray> ps = new LinkedHashMap<>();
    Map<String, INDArray> ms = new LinkedHashMap<>();
    Map<String, INDArray> vs = new LinkedHashMap<>();
    Set<String> dec = new TreeSet<>();
    long largest = 0;
    DataType type = null;
    for (Map.Entry<String, INDArray> e : sorted.entrySet()) {
      String name = requireNonNull(e.getKey(), "parameter name");
      INDArray p = e.getValue();
      if (p == null) {
        throw new IllegalArgumentException("parameter '" + name + "' is null");
      }
      if (p.dataType() != DataType.FLOAT && p.dataType() != DataType.DOUBLE) {
        throw new IllegalArgumentException(
            "parameter '" + name + "' has type " + p.dataType() + ": it must be FLOAT or DOUBLE");
      }
      if (type != null && p.dataType() != type) {
        throw new IllegalArgumentException(
            "parameter '" + name + "' is " + p.dataType() + " but others are " + type);
      }
      type = p.dataType();
      if (p.isView() || p.ordering() != 'c' || p.elementWiseStride() != 1) {
        throw new IllegalArgumentException(
            "parameter '"
                + name
                + "' is a view or not C-ordered: pass the array the model owns, not a slice");
      }
      ps.put(name, p);
      ms.put(name, Nd4j.zeros(p.dataType(), p.shape()));
      vs.put(name, Nd4j.zeros(p.dataType(), p.shape()));
      if (p.rank() >= 2) {
        dec.add(name);
      }
      largest = Math.max(largest, p.length());
    }
    INDArray buffer = Nd4j.createUninitialized(type, largest);
    Map<String, INDArray> views = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : ps.entrySet()) {
      INDArray p = e.getValue();
      INDArray flat =
          p.length() == largest ? buffer : buffer.get(NDArrayIndex.interval(0, p.length()));
      views.put(e.getKey(), flat.reshape('c', p.shape()));
    }
    this.params = Collections.unmodifiableMap(ps);
    this.m = Collections.unmodifiableMap(ms);
    this.v = Collections.unmodifiableMap(vs);
    this.decayed = Collections.unmodifiableSet(dec);
    this.scratch = views;
  }

  /**
   * Takes one AdamW step with learning rate {@code lr}, changing the parameters and moments in
   * place; {@code grads} are only read. Call it after clipping, with {@link LrSchedule#at}.
   *
   * @param grads a gradient for every parameter, same names, shapes and type
   * @param lr this step's learning rate, 0 or more
   * @throws IllegalArgumentException if a gradient is missing, extra or of the wrong shape; nothing
   *     has changed then
   */
  public void step(Map<String, INDArray> grads, double lr) {
    requireNonNull(grads, "grads");
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("'" + lr + "' in lr is invalid: must be 0 or more");
    }
    checkGradients(grads);
    int t = stepCount + 1;
    boolean single = params.values().iterator().next().dataType() == DataType.FLOAT;
    // The op keeps the moments with the betas of the parameters' type (0.999 is 0.99900001287 in
    // float32), so the bias corrections use those too: with a constant gradient the corrected
    // moments are then exactly g and g^2, as Adam intends.
    double b1 = single ? (float) config.beta1() : config.beta1();
    double b2 = single ? (float) config.beta2() : config.beta2();
    double bc1 = 1 - Math.pow(b1, t);
    double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
    // torch: p -= lr/bc1 * m / (sqrt(v)/bc2Sqrt + eps) = lr * (bc2Sqrt/bc1) * m / (sqrt(v) +
    // eps*bc2Sqrt).
    // The op computes m * s / (sqrt(v) + opEps), s = sqrt(1 - b2^t) / (1 - b1^t) rounded as it
    // does.
    double opEps = config.eps() * bc2Sqrt;
    double scale = lr * (bc2Sqrt / bc1) / opScalar(single, b1, b2, t);
    double keep = 1 - lr * config.weightDecay();
    Level1 blas = Nd4j.getBlasWrapper().level1();
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      String name = e.getKey();
      INDArray p = e.getValue();
      INDArray g = grads.get(name);
      INDArray mi = m.get(name);
      INDArray vi = v.get(name);
      INDArray up = scratch.get(name);
      if (keep != 1 && decayed.contains(name)) {
        p.muli(keep);
      }
      // Inputs (g, v, m), outputs (update, v, m): the moments update in place. The op's own
      // learning rate is 1; the real one goes into the axpy's scale.
      Nd4j.exec(new AdamUpdater(g, vi, mi, up, vi, mi, 1.0, b1, b2, opEps, t - 1));
      blas.axpy(p.length(), -scale, up, p);
    }
    stepCount = t;
  }

  /**
   * The scalar {@code sqrt(1 - b2^t) / (1 - b1^t)} as libnd4j's {@code adam_updater} computes it
   * with a learning rate of 1 (helpers/cpu/updaterAdam.cpp). For float32 the powers are rounded to
   * float before {@code 1 - b^t} cancels, which costs up to about 1e-5 of the step in the first
   * steps with beta2 0.999; dividing the double value by this one removes that error.
   */
  private static double opScalar(boolean single, double b1, double b2, int t) {
    if (!single) {
      return Math.sqrt(1 - Math.pow(b2, t)) / (1 - Math.pow(b1, t));
    }
    float b1t = (float) Math.pow((float) b1, (float) t);
    float b2t = (float) Math.pow((float) b2, (float) t);
    float root = (float) Math.sqrt((float) (1.0 - b2t));
    return (float) (root / (1.0 - b1t));
  }

  private void checkGradients(Map<String, INDArray> grads) {
    if (!grads.keySet().equals(params.keySet())) {
      Set<String> missing = new TreeSet<>(params.keySet());
      missing.removeAll(grads.keySet());
      Set<String> extra = new TreeSet<>(grads.keySet());
      extra.removeAll(params.keySet());
      throw new IllegalArgumentException(
          "gradients do not match the parameters: missing " + missing + ", unknown " + extra);
    }
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      INDArray g = grads.get(e.getKey());
      INDArray p = e.getValue();
      if (g == null
          || !Arrays.equals(g.shape(), p.shape())
          || g.dataType() != p.dataType()
          || g.ordering() != 'c'
          || g.elementWiseStride() != 1) {
        throw new IllegalArgumentException(
            "gradient of '"
                + e.getKey()
                + "' is "
                + (g == null
                    ? "null"
                    : g.dataType() + Arrays.toString(g.shape()) + " order " + g.ordering())
                + ", expected a C-ordered contiguous "
                + p.dataType()
                + Arrays.toString(p.shape()));
      }
    }
  }

  /** How many steps have been taken, counting those before a {@link #restore}. */
  public int stepCount() {
    return stepCount;
  }

  /** The names of the parameters that weight decay applies to (rank 2 or more), sorted. */
  public Set<String> decayed() {
    return decayed;
  }

  /**
   * The first moments by parameter name: the live arrays, for checkpoints to read. Do not change
   * them; use {@link #restore}.
   */
  public Map<String, INDArray> firstMoments() {
    return m;
  }

  /** The second moments by parameter name: the live arrays, as {@link #firstMoments}. */
  public Map<String, INDArray> secondMoments() {
    return v;
  }

  /**
   * Sets the step count and copies in the moments, as a checkpoint saved them; the parameters are
   * restored separately, into the arrays this optimizer was built with.
   *
   * @throws IllegalArgumentException if {@code stepCount} is negative or the moments do not have
   *     the parameters' names and shapes; nothing has changed then
   */
  public void restore(int stepCount, Map<String, INDArray> m, Map<String, INDArray> v) {
    requireNonNull(m, "m");
    requireNonNull(v, "v");
    if (stepCount < 0) {
      throw new IllegalArgumentException(
          "'" + stepCount + "' in stepCount is invalid: must be 0 or more");
    }
    checkMoments("first moments", m);
    checkMoments("second moments", v);
    for (String name : params.keySet()) {
      this.m.get(name).assign(m.get(name));
      this.v.get(name).assign(v.get(name));
    }
    this.stepCount = stepCount;
  }

  private void checkMoments(String what, Map<String, INDArray> given) {
    if (!given.keySet().equals(params.keySet())) {
      Set<String> missing = new TreeSet<>(params.keySet());
      missing.removeAll(given.keySet());
      Set<String> extra = new TreeSet<>(given.keySet());
      extra.removeAll(params.keySet());
      throw new IllegalArgumentException(
          what
              + " do not match the parameters: missing "
              + missing
              + ", unknown "
              + extra
              + ". The checkpoint is from another model");
    }
    for (Map.Entry<String, INDArray> e : params.entrySet()) {
      INDArray a = given.get(e.getKey());
      if (a == null || !Arrays.equals(a.shape(), e.getValue().shape())) {
        throw new IllegalArgumentException(
            what
                + " of '"
                + e.getKey()
                + "' have shape "
                + (a == null ? "null" : Arrays.toString(a.shape()))
                + ", expected "
                + Arrays.toString(e.getValue().shape())
                + ". The checkpoint is from another model");
      }
    }
  }
}
