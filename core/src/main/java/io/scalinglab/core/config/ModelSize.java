package io.scalinglab.core.config;

/**
 * Which parameter count is the model size of a scaling fit; see {@code analysis.model-size}. Kaplan
 * et al. (2020) count non-embedding parameters, Hoffmann et al. (2022) all of them.
 */
public enum ModelSize implements KeyedEnum {
  /** Parameters outside the token and position embeddings (Kaplan et al. 2020). */
  NON_EMBEDDING("non-embedding"),
  /** Every parameter of the model (Hoffmann et al. 2022). */
  TOTAL("total");

  private final String key;

  ModelSize(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** The model size spelled {@code text} (key or Java name, any case); fails listing the names. */
  public static ModelSize parse(String text) {
    return KeyedEnum.parse(ModelSize.class, text);
  }
}
