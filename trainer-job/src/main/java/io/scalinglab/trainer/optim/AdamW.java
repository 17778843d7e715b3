package io.scalinglab.trainer.optim;

import static java.util.Objects.requireNonNull;

import io.scalinglab.trainer.checkpoint.Checkpoints;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
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
 * <p>Two engines compute it. For float32 on the CPU backend the moments live in Java arrays and one
 * vectorized Java loop does all of the above, streaming each gradient and parameter through small
 * pieces of their native buffers: 3 to 4 times faster than ND4J's fused {@code adam_updater} op,
 * which takes about 3 ns per value here. It computes as torch's single-tensor AdamW does: float32
 * values, float32 coefficients, bias corrections in double. Elsewhere (float64, or the CUDA
 * backend, where the data lives on the device) the fused op runs, with corrections for where it
 * differs from torch (see {@link #opScalar}).
 *
 * <p>Not thread-safe: one optimizer belongs to one training loop.
 */
public final class AdamW {
  private final OptimConfig config;
  private final Map<String, INDArray> params;
  private final Set<String> decayed;
  private final Engine engine;
  private int stepCount;

  /**
   * An optimizer for {@code params}, with zero moments. The arrays are kept, not copied: {@link
   * #step} changes them in place, so pass the model's own parameter arrays.
   *
   * @param params parameter arrays by name, all FLOAT or all DOUBLE, C-ordered and not views
   * @throws IllegalArgumentException if {@code params} is empty or an array does not qualify
   */
  public AdamW(OptimConfig c, Map<String, INDArray> params) {
    this(c, params, null, null);
  }

  /**
   * As {@link #AdamW(OptimConfig, Map)} with the moments kept in {@code moments} rather than in
   * this object: float32 in native byte order, at least twice the parameters' values, the first
   * moments of every parameter end to end in {@link #names} order and then the second moments
   * alike. Members of a data-parallel group that share that memory each step some parameters
   * ({@link #step(Map, double, Set)}) and all see every moment. Float32 on the CPU only; the
   * moments are read as they are (zeros for a new run).
   */
  public AdamW(OptimConfig c, Map<String, INDArray> params, ByteBuffer moments) {
    this(c, params, false, requireNonNull(moments, "moments"));
  }

  /**
   * As {@link #AdamW(OptimConfig, Map)} with the engine chosen: {@code true} for ND4J's fused op,
   * {@code false} for the Java loop (float32 on the CPU only), {@code null} for the default.
   */
  AdamW(OptimConfig c, Map<String, INDArray> params, Boolean nd4jOp) {
    this(c, params, nd4jOp, null);
  }

  private AdamW(OptimConfig c, Map<String, INDArray> params, Boolean nd4jOp, ByteBuffer moments) {
    this.config = requireNonNull(c, "c");
    requireNonNull(params, "params");
    if (params.isEmpty()) {
      throw new IllegalArgumentException("params is empty: give the model's parameters by name");
    }
    Map<String, INDArray> ps = new LinkedHashMap<>();
    Set<String> dec = new TreeSet<>();
    DataType type = null;
    for (Map.Entry<String, INDArray> e : new TreeMap<>(params).entrySet()) {
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
      if (p.rank() >= 2) {
        dec.add(name);
      }
    }
    this.params = Collections.unmodifiableMap(ps);
    this.decayed = Collections.unmodifiableSet(dec);
    boolean loopFits = type == DataType.FLOAT && Nd4j.getEnvironment().isCPU();
    if (Boolean.FALSE.equals(nd4jOp) && !loopFits) {
      throw new IllegalArgumentException("the Java loop needs FLOAT parameters on the CPU backend");
    }
    if (moments != null) {
      this.engine = new SharedEngine(moments);
    } else {
      this.engine = (nd4jOp == null ? !loopFits : nd4jOp) ? new OpEngine() : new LoopEngine();
    }
  }

  /**
   * Takes one AdamW step with learning rate {@code lr}, changing the parameters and moments in
   * place; {@code grads} are only read. Call it after clipping, with {@link LrSchedule#at}.
   *
   * @param grads a gradient for every parameter, same names, shapes and type, C-ordered
   * @param lr this step's learning rate, 0 or more
   * @throws IllegalArgumentException if a gradient is missing, extra or of the wrong shape; nothing
   *     has changed then
   */
  public void step(Map<String, INDArray> grads, double lr) {
    step(grads, lr, null);
  }

  /**
   * As {@link #step(Map, double)}, updating only the parameters named in {@code only} (all if null)
   * and their moments; the step count advances as for all. A data-parallel member that shares the
   * moments' memory ({@link #AdamW(OptimConfig, Map, ByteBuffer)}) steps its own parameters so; the
   * gradients of the others are not read.
   */
  public void step(Map<String, INDArray> grads, double lr, Set<String> only) {
    requireNonNull(grads, "grads");
    if (!(lr >= 0) || Double.isInfinite(lr)) {
      throw new IllegalArgumentException("'" + lr + "' in lr is invalid: must be 0 or more");
    }
    if (only != null && !(engine instanceof SharedEngine)) {
      throw new IllegalArgumentException("stepping some parameters needs shared moments");
    }
    checkGradients(grads);
    engine.step(grads, lr, stepCount + 1, only == null ? params.keySet() : only);
    stepCount++;
  }

  private void checkGradients(Map<String, INDArray> grads) {
    checkNames("gradients", grads);
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

  private void checkNames(String what, Map<String, INDArray> given) {
    if (!given.keySet().equals(params.keySet())) {
      Set<String> missing = new TreeSet<>(params.keySet());
      missing.removeAll(given.keySet());
      Set<String> extra = new TreeSet<>(given.keySet());
      extra.removeAll(params.keySet());
      throw new IllegalArgumentException(
          what + " do not match the parameters: missing " + missing + ", unknown " + extra);
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

  /** The first moments by parameter name: copies, taken now, in the parameters' shapes. */
  public Map<String, INDArray> firstMoments() {
    return moments(false);
  }

  /** The second moments by parameter name: copies, taken now, in the parameters' shapes. */
  public Map<String, INDArray> secondMoments() {
    return moments(true);
  }

  private Map<String, INDArray> moments(boolean second) {
    Map<String, INDArray> out = new LinkedHashMap<>();
    for (String name : params.keySet()) {
      out.put(name, engine.moment(name, second));
    }
    return Collections.unmodifiableMap(out);
  }

  /** One moment of one parameter as float32 values in C order, a copy, for {@link Checkpoints}. */
  public float[] momentFloats(String name, boolean second) {
    if (!params.containsKey(name)) {
      throw new IllegalArgumentException("no parameter '" + name + "'");
    }
    return engine.momentFloats(name, second);
  }

  /** The parameter names, sorted. */
  public Set<String> names() {
    return params.keySet();
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
      engine.restore(name, m.get(name), v.get(name));
    }
    this.stepCount = stepCount;
  }

  private void checkMoments(String what, Map<String, INDArray> given) {
    checkNames(what, given);
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

  /** Where the moments live and how a step is computed. */
  private abstract class Engine {
    /** Steps the parameters named in {@code names} (all of them, but for the shared engine). */
    abstract void step(Map<String, INDArray> grads, double lr, int t, Set<String> names);

    /** A copy of one moment, in the parameter's shape and type. */
    INDArray moment(String name, boolean second) {
      return Nd4j.create(momentFloats(name, second), params.get(name).shape(), 'c');
    }

    /** One moment as float32 in C order, a copy. */
    abstract float[] momentFloats(String name, boolean second);

    abstract void restore(String name, INDArray m, INDArray v);

    /**
     * The Java loop's step, for the engines that run it: each parameter of {@code names} with its
     * gradient's and its own float32 values, and its weight decay factor.
     */
    void loop(Map<String, INDArray> grads, double lr, int t, Set<String> names, Stepper stepper) {
      Coefficients c = coefficients(lr, t);
      float decay = (float) (1 - lr * config.weightDecay());
      for (Map.Entry<String, INDArray> e : params.entrySet()) {
        String name = e.getKey();
        if (names.contains(name)) {
          INDArray g = grads.get(name);
          FloatBuffer gb = (g.isView() ? g.dup('c') : g).data().asNioFloat();
          FloatBuffer pb = e.getValue().data().asNioFloat();
          stepper.step(name, gb, pb, decayed.contains(name) ? decay : 1f, c);
        }
      }
    }
  }

  /** One parameter's step in {@link Engine#loop}. */
  @FunctionalInterface
  private interface Stepper {
    void step(String name, FloatBuffer g, FloatBuffer p, float keep, Coefficients c);
  }

  /**
   * Float32 on the CPU: moments in Java arrays, one fused Java loop. Each parameter is processed in
   * pieces of {@link #PIECE} values: its gradient and values are copied out of native memory into
   * two small arrays, updated together with the moment arrays of that piece, and copied back. The
   * moments are stored in pieces too, so that every array in the loop is indexed by the same {@code
   * i}: with a different offset per array the JIT does not vectorize it (measured: 4 times slower).
   */
  private final class LoopEngine extends Engine {
    /** Values per piece: 64 KiB per array, so the loop's working set stays in the L2 cache. */
    static final int PIECE = 1 << 14;

    private final Map<String, float[][]> m = new LinkedHashMap<>();
    private final Map<String, float[][]> v = new LinkedHashMap<>();
    private final float[] gPiece = new float[PIECE];
    private final float[] pPiece = new float[PIECE];

    LoopEngine() {
      params.forEach(
          (name, p) -> {
            m.put(name, pieces(Math.toIntExact(p.length())));
            v.put(name, pieces(Math.toIntExact(p.length())));
          });
    }

    private static float[][] pieces(int length) {
      float[][] out = new float[(length + PIECE - 1) / PIECE][];
      for (int k = 0; k < out.length; k++) {
        out[k] = new float[Math.min(PIECE, length - k * PIECE)];
      }
      return out;
    }

    @Override
    void step(Map<String, INDArray> grads, double lr, int t, Set<String> names) {
      loop(
          grads,
          lr,
          t,
          names,
          (name, gb, pb, keep, c) -> {
            float[][] ms = m.get(name);
            float[][] vs = v.get(name);
            for (int k = 0; k < ms.length; k++) {
              int start = k * PIECE;
              int len = ms[k].length;
              gb.get(start, gPiece, 0, len);
              pb.get(start, pPiece, 0, len);
              update(gPiece, pPiece, ms[k], vs[k], len, keep, c);
              pb.put(start, pPiece, 0, len);
            }
          });
    }

    @Override
    float[] momentFloats(String name, boolean second) {
      float[][] pieces = (second ? v : m).get(name);
      float[] out = new float[Math.toIntExact(params.get(name).length())];
      for (int k = 0; k < pieces.length; k++) {
        System.arraycopy(pieces[k], 0, out, k * PIECE, pieces[k].length);
      }
      return out;
    }

    @Override
    void restore(String name, INDArray mi, INDArray vi) {
      fill(m.get(name), mi.dup('c').castTo(DataType.FLOAT).data().asFloat());
      fill(v.get(name), vi.dup('c').castTo(DataType.FLOAT).data().asFloat());
    }

    private static void fill(float[][] pieces, float[] values) {
      for (int k = 0; k < pieces.length; k++) {
        System.arraycopy(values, k * PIECE, pieces[k], 0, pieces[k].length);
      }
    }
  }

  /**
   * Step {@code t}'s scalars as torch's {@code _single_tensor_adamw} has them: coefficients cast to
   * float32 by the tensor ops, bias corrections in double, the division by sqrt(bias_correction2)
   * folded into a product.
   */
  private Coefficients coefficients(double lr, int t) {
    double b1 = config.beta1();
    double b2 = config.beta2();
    return new Coefficients(
        (float) b1,
        (float) (1 - b1),
        (float) b2,
        (float) (1 - b2),
        (float) (1 / Math.sqrt(1 - Math.pow(b2, t))),
        (float) config.eps(),
        (float) (lr / (1 - Math.pow(b1, t))));
  }

  /**
   * {@link LoopEngine}'s loop with the moments in memory given from outside (shared by the members
   * of a data-parallel group): each piece of a moment is copied into a small array, updated with
   * the gradient's and the parameter's, and copied back, so the loop is the same vectorized one and
   * computes the same bits.
   */
  private final class SharedEngine extends Engine {
    private final Map<String, FloatBuffer> m = new LinkedHashMap<>();
    private final Map<String, FloatBuffer> v = new LinkedHashMap<>();
    private final float[] gPiece = new float[LoopEngine.PIECE];
    private final float[] pPiece = new float[LoopEngine.PIECE];
    private final float[] mPiece = new float[LoopEngine.PIECE];
    private final float[] vPiece = new float[LoopEngine.PIECE];

    SharedEngine(ByteBuffer memory) {
      long total = 0;
      for (INDArray p : params.values()) {
        total += p.length();
        if (p.dataType() != DataType.FLOAT || !Nd4j.getEnvironment().isCPU()) {
          throw new IllegalArgumentException("shared moments need FLOAT parameters on the CPU");
        }
      }
      if (!memory.isDirect() || memory.capacity() < 8 * total) {
        throw new IllegalArgumentException(
            "the moments' memory must be direct and hold " + 2 * total + " floats");
      }
      FloatBuffer all = memory.duplicate().order(ByteOrder.nativeOrder()).asFloatBuffer();
      long at = 0;
      for (Map.Entry<String, INDArray> e : params.entrySet()) {
        int length = Math.toIntExact(e.getValue().length());
        m.put(e.getKey(), all.slice(Math.toIntExact(at), length));
        v.put(e.getKey(), all.slice(Math.toIntExact(total + at), length));
        at += length;
      }
    }

    @Override
    void step(Map<String, INDArray> grads, double lr, int t, Set<String> names) {
      loop(
          grads,
          lr,
          t,
          names,
          (name, gb, pb, keep, c) -> {
            FloatBuffer mb = m.get(name);
            FloatBuffer vb = v.get(name);
            int n = mb.capacity();
            for (int start = 0; start < n; start += LoopEngine.PIECE) {
              int len = Math.min(LoopEngine.PIECE, n - start);
              gb.get(start, gPiece, 0, len);
              pb.get(start, pPiece, 0, len);
              mb.get(start, mPiece, 0, len);
              vb.get(start, vPiece, 0, len);
              update(gPiece, pPiece, mPiece, vPiece, len, keep, c);
              pb.put(start, pPiece, 0, len);
              mb.put(start, mPiece, 0, len);
              vb.put(start, vPiece, 0, len);
            }
          });
    }

    @Override
    float[] momentFloats(String name, boolean second) {
      FloatBuffer b = (second ? v : m).get(name);
      float[] out = new float[b.capacity()];
      b.get(0, out);
      return out;
    }

    @Override
    void restore(String name, INDArray mi, INDArray vi) {
      m.get(name).put(0, mi.dup('c').castTo(DataType.FLOAT).data().asFloat());
      v.get(name).put(0, vi.dup('c').castTo(DataType.FLOAT).data().asFloat());
    }
  }

  /** One step's float32 scalars for {@link #update}. */
  private record Coefficients(
      float beta1,
      float oneMinusBeta1,
      float beta2,
      float oneMinusBeta2,
      float invRootBc2,
      float eps,
      float stepSize) {}

  /** The AdamW update of {@code len} values, every array indexed alike so that it vectorizes. */
  private static void update(
      float[] g, float[] p, float[] m, float[] v, int len, float keep, Coefficients c) {
    float beta1 = c.beta1();
    float oneMinusBeta1 = c.oneMinusBeta1();
    float beta2 = c.beta2();
    float oneMinusBeta2 = c.oneMinusBeta2();
    float invRootBc2 = c.invRootBc2();
    float eps = c.eps();
    float stepSize = c.stepSize();
    for (int i = 0; i < len; i++) {
      float gi = g[i];
      float mi = beta1 * m[i] + oneMinusBeta1 * gi;
      float vi = beta2 * v[i] + oneMinusBeta2 * gi * gi;
      m[i] = mi;
      v[i] = vi;
      float denom = (float) Math.sqrt(vi) * invRootBc2 + eps;
      p[i] = p[i] * keep - stepSize * (mi / denom);
    }
  }

  /** ND4J's fused {@code adam_updater} op, for float64 and for backends other than the CPU. */
  private final class OpEngine extends Engine {
    private final Map<String, INDArray> m = new LinkedHashMap<>();
    private final Map<String, INDArray> v = new LinkedHashMap<>();

    /** Where the op writes the unscaled step of one parameter: views into one buffer. */
    private final Map<String, INDArray> scratch = new LinkedHashMap<>();

    OpEngine() {
      long largest = 0;
      DataType type = null;
      for (Map.Entry<String, INDArray> e : params.entrySet()) {
        INDArray p = e.getValue();
        m.put(e.getKey(), Nd4j.zeros(p.dataType(), p.shape()));
        v.put(e.getKey(), Nd4j.zeros(p.dataType(), p.shape()));
        largest = Math.max(largest, p.length());
        type = p.dataType();
      }
      INDArray buffer = Nd4j.createUninitialized(type, largest);
      for (Map.Entry<String, INDArray> e : params.entrySet()) {
        INDArray p = e.getValue();
        INDArray flat =
            p.length() == largest ? buffer : buffer.get(NDArrayIndex.interval(0, p.length()));
        scratch.put(e.getKey(), flat.reshape('c', p.shape()));
      }
    }

    @Override
    void step(Map<String, INDArray> grads, double lr, int t, Set<String> names) {
      boolean single = params.values().iterator().next().dataType() == DataType.FLOAT;
      // The op keeps the moments with 1 - beta computed in the parameters' type, which for
      // float32 is the float beta's complement (0.999 becomes 0.99900001287); the bias
      // corrections use the same betas, so a constant gradient gives corrected moments g and g^2.
      double b1 = single ? (float) config.beta1() : config.beta1();
      double b2 = single ? (float) config.beta2() : config.beta2();
      double bc1 = 1 - Math.pow(b1, t);
      double bc2Sqrt = Math.sqrt(1 - Math.pow(b2, t));
      // torch: p -= lr/bc1 * m / (sqrt(v)/bc2Sqrt + eps)
      //           = lr * (bc2Sqrt/bc1) * m / (sqrt(v) + eps*bc2Sqrt),
      // and the op computes m * s / (sqrt(v) + opEps) with its own s (opScalar).
      double opEps = config.eps() * bc2Sqrt;
      double scale = lr * (bc2Sqrt / bc1) / opScalar(single, b1, b2, t);
      double keep = 1 - lr * config.weightDecay();
      Level1 blas = Nd4j.getBlasWrapper().level1();
      for (Map.Entry<String, INDArray> e : params.entrySet()) {
        String name = e.getKey();
        INDArray p = e.getValue();
        INDArray mi = m.get(name);
        INDArray vi = v.get(name);
        INDArray up = scratch.get(name);
        if (keep != 1 && decayed.contains(name)) {
          blas.scal(p.length(), keep, p);
        }
        // Inputs (g, v, m), outputs (update, v, m): the moments update in place. The op's own
        // learning rate is 1; the real one is in the axpy's scale.
        Nd4j.exec(new AdamUpdater(grads.get(name), vi, mi, up, vi, mi, 1.0, b1, b2, opEps, t - 1));
        blas.axpy(p.length(), -scale, up, p);
      }
    }

    @Override
    INDArray moment(String name, boolean second) {
      return (second ? v : m).get(name).dup('c');
    }

    @Override
    float[] momentFloats(String name, boolean second) {
      return (second ? v : m).get(name).castTo(DataType.FLOAT).dup('c').data().asFloat();
    }

    @Override
    void restore(String name, INDArray mi, INDArray vi) {
      m.get(name).assign(mi);
      v.get(name).assign(vi);
    }
  }

  /**
   * The scalar {@code sqrt(1 - b2^t) / (1 - b1^t)} as libnd4j's {@code adam_updater} computes it
   * with a learning rate of 1 (helpers/cpu/updaterAdam.cpp). For float32 its powers are rounded to
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
}
