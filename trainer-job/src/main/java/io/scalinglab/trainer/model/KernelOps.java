package io.scalinglab.trainer.model;

import io.scalinglab.core.config.ElementwiseOps;
import io.scalinglab.core.config.Gelu;
import io.scalinglab.core.error.ConfigException;
import java.util.Locale;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The element-wise and row-wise steps of {@link GptKernel}'s forward and backward pass: everything
 * but the matrix products, which go to BLAS. Two implementations compute the same functions: {@link
 * Nd4jKernelOps}, a chain of ND4J ops (any data type; the reference), and {@link VectorKernelOps},
 * one pass per row on the JDK's Vector API (float32 only), which is what makes a small model's step
 * fast: GELU forward on 1024 × 512 floats took 0.37 ms against 3.8 ms for the op chain, and {@code
 * bench train --kernel-ops vector,nd4j} measured 1.3–1.7× the tokens/s on one thread.
 *
 * <p>Every array is dense and row-major with rows of the named width; outputs are overwritten
 * unless a method says it adds.
 */
interface KernelOps {
  /** The module that holds the Vector API; the JVM must be started with it added. */
  String VECTOR_MODULE = "jdk.incubator.vector";

  /**
   * The ops {@code choice} names ({@code model.kernel-ops}): for {@link ElementwiseOps#AUTO},
   * {@link VectorKernelOps} for float32 on the CPU backend where the JVM has the Vector API module
   * ({@code --add-modules=jdk.incubator.vector}, which bin/jvm-options and the deploy files pass),
   * else {@link Nd4jKernelOps}: on the CUDA backend the arrays live on the GPU, where ND4J's ops
   * run.
   *
   * @throws ConfigException if the choice asks for vector ops the JVM cannot run
   */
  static KernelOps forType(DataType dtype, ElementwiseOps choice) {
    boolean vector =
        switch (choice) {
          case AUTO -> dtype == DataType.FLOAT && vectorApiPresent() && !cudaBackend();
          case VECTOR -> true;
          case ND4J -> false;
        };
    if (vector && (dtype != DataType.FLOAT || !vectorApiPresent())) {
      throw new ConfigException(
          "'vector' in model.kernel-ops is invalid here: it needs float32 and a JVM started with"
              + " --add-modules="
              + VECTOR_MODULE
              + " (bin/jvm-options); set model.kernel-ops = nd4j or auto");
    }
    return vector ? new VectorKernelOps() : new Nd4jKernelOps(dtype);
  }

  /** {@link #forType(DataType, ElementwiseOps)} chosen automatically. */
  static KernelOps forType(DataType dtype) {
    return forType(dtype, ElementwiseOps.AUTO);
  }

  /** Whether the boot layer holds {@link #VECTOR_MODULE}. */
  static boolean vectorApiPresent() {
    return ModuleLayer.boot().findModule(VECTOR_MODULE).isPresent();
  }

  /** Whether ND4J runs on its CUDA backend. */
  static boolean cudaBackend() {
    return Nd4j.getBackend().getClass().getName().toLowerCase(Locale.ROOT).contains("cuda");
  }

  /** A short name for progress lines and benchmarks: "vector" or "nd4j". */
  String name();

  /** Whether these ops take arrays of {@code elements} elements. */
  default boolean handles(long elements) {
    return true;
  }

  /**
   * {@code y = gelu(x)} of the given kind: {@link Gelu#ERF} is {@code x·Φ(x) = x/2 · (1 +
   * erf(x/√2))} (PyTorch's {@code nn.GELU()}, nanoGPT's), {@link Gelu#TANH} is {@code x/2 · (1 +
   * tanh(u))}, {@code u = √(2/π) · (x + 0.044715·x³)} (GPT-2's {@code gelu_new}), computed as
   * {@code x · σ(2u)}, the same function.
   */
  void gelu(Gelu kind, INDArray x, INDArray y);

  /**
   * {@code dy ← dy · gelu'(x)}, the exact derivative of {@link #gelu}, from the forward pass's
   * input {@code x} and output {@code y}: {@code Φ(x) + x·φ(x)} for erf, {@code s + x · s(1 − s) ·
   * 2u'} with {@code s = σ(2u)} for tanh. What it needs beyond them is computed again rather than
   * kept, which costs an exponential but saves storing and reading an array of the MLP's width (the
   * step is bound by memory traffic at that size).
   */
  void geluBackward(Gelu kind, INDArray x, INDArray y, INDArray dy);

  /**
   * Mean cross-entropy of {@code logits} [n, vocab] against targets {@code y} (n of them), leaving
   * dLoss/dlogits = (softmax − one-hot) / n in {@code dlogits}. The row maximum is subtracted
   * before exponentiating, so nothing overflows; no one-hot array is built.
   */
  double crossEntropy(INDArray logits, int[] y, INDArray dlogits);

  /**
   * In place on attention scores [rows, t] whose row r is query position r mod t: {@code att ←
   * softmax(scale · att)} over the keys at or before the query, and 0 after it (the causal mask).
   */
  void causalSoftmax(INDArray att, int t, double scale);

  /**
   * Backward of {@link #causalSoftmax}: {@code datt ← scale · att ⊙ (datt − Σ_j datt ⊙ att)}, with
   * {@code att} its output.
   */
  void causalSoftmaxBackward(INDArray att, INDArray datt, int t, double scale);

  /**
   * LayerNorm over rows as PyTorch's {@code nn.LayerNorm} computes it: {@code xhat = (x − mean) ·
   * rstd}, {@code rstd = 1/√(var + eps)} with the biased variance, {@code y = xhat · gain (+
   * bias)}. A constant row gives {@code xhat = 0}. Keeps {@code xhat} and {@code rstd} (one per
   * row) for the backward pass; {@code bias} may be null.
   */
  void layerNorm(
      INDArray x,
      INDArray gain,
      INDArray bias,
      double eps,
      INDArray xhat,
      INDArray rstd,
      INDArray y);

  /**
   * Writes the gain (and bias, unless null) gradients from {@code dy} and <em>adds</em> dLoss/dx to
   * {@code dx}: {@code rstd · (g − mean(g) − xhat · mean(g · xhat))} with {@code g = dy · gain},
   * which holds with the epsilon too (it enters through {@code rstd} alone).
   */
  void layerNormBackward(
      INDArray dy,
      INDArray xhat,
      INDArray rstd,
      INDArray gain,
      INDArray dgain,
      INDArray dbias,
      INDArray dx);
}
