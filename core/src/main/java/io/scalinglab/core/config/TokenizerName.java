package io.scalinglab.core.config;

/** A tokenizer scalinglab can prepare a corpus with; see {@code dataset.tokenizer}. */
public enum TokenizerName implements KeyedEnum {
  /** GPT-2 BPE ({@code r50k_base}), end-of-text 50256 after every document, as nanoGPT does. */
  GPT2("gpt2"),
  /** UTF-8 bytes 0..255, end-of-text 256: no vocabulary file, for small demo corpora. */
  BYTE("byte");

  private final String key;

  TokenizerName(String key) {
    this.key = key;
  }

  @Override
  public String key() {
    return key;
  }

  /** The tokenizer spelled {@code text} (key or Java name, any case); fails listing the names. */
  public static TokenizerName parse(String text) {
    return KeyedEnum.parse(TokenizerName.class, text);
  }
}
