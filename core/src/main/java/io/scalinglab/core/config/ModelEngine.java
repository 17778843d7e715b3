package io.scalinglab.core.config;

/**
 * How the trainer computes the model; see {@code model.engine} in reference.conf. Both engines
 * compute the same GPT with the same parameters, so the choice does not change a run's id.
 */
public enum ModelEngine implements KeyedEnum {
  /** A SameDiff graph differentiated by the library. */
  SAMEDIFF("samediff"),
  /** A hand-written forward and backward pass on ND4J arrays (faster on CPU). */
  KERNEL("kernel");

  private final String key;

  ModelEngine(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** The engine spelled {@code text} (key or Java name, any case); fails listing the engines. */
  public static ModelEngine parse(String text) {
    return KeyedEnum.parse(ModelEngine.class, text);
  }
}
