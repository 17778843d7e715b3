package io.scalinglab.analysis.theory;

/** The sweep axis a scaling exponent belongs to. */
public enum Axis {
  /** Loss against training tokens at a fixed model size: the data exponent α_D. */
  DATA("data", "train_tokens"),
  /** Loss against parameters at a fixed number of tokens: the model exponent α_N. */
  MODEL("model", "parameters");

  private final String key;
  private final String variable;

  Axis(String key, String variable) {
    this.key = key;
    this.variable = variable;
  }

  /** {@code data} or {@code model}. */
  public String key() {
    return key;
  }

  /** What varies along the axis, in words. */
  public String variable() {
    return variable;
  }
}
