package io.scalinglab.core.config;

/**
 * Which GELU the MLP applies; see {@code model.gelu} in reference.conf. {@code erf} is the exact
 * x·Φ(x) of PyTorch's {@code nn.GELU()}, which nanoGPT uses; {@code tanh} is the approximation
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) that GPT-2 was trained with (Hugging Face's {@code
 * gelu_new}).
 */
public enum Gelu implements KeyedEnum {
  /** x·Φ(x) with Φ the standard normal CDF, through erf. */
  ERF("erf"),
  /** GPT-2's tanh approximation. */
  TANH("tanh");

  private final String key;

  Gelu(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** The GELU spelled {@code text} (key or Java name, any case); fails listing the choices. */
  public static Gelu parse(String text) {
    return KeyedEnum.parse(Gelu.class, text);
  }
}
