package io.scalinglab.core.config;

/**
 * Which implementation computes the kernel engine's element-wise and row-wise steps (GELU,
 * LayerNorm, softmax, cross-entropy): see {@code model.kernel-ops} in reference.conf. The two
 * compute the same functions but round differently, so a run's numbers depend on the choice; a run
 * resumes only with the implementation its checkpoint was computed with.
 */
public enum ElementwiseOps implements KeyedEnum {
  /** {@link #VECTOR} where it can run (float32 on the CPU backend, a JVM with the Vector API). */
  AUTO("auto"),
  /** One pass per row on the JDK's Vector API: float32 on the CPU only, the fast path. */
  VECTOR("vector"),
  /** Chains of ND4J ops: any data type, any backend; the reference. */
  ND4J("nd4j");

  private final String key;

  ElementwiseOps(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** The choice spelled {@code text} (key or Java name, any case); fails listing the choices. */
  public static ElementwiseOps parse(String text) {
    return KeyedEnum.parse(ElementwiseOps.class, text);
  }
}
