package io.scalinglab.trainer.tokenize;

import java.nio.charset.StandardCharsets;

/**
 * A byte-level tokenizer: each UTF-8 byte of the text is a token 0..255 and 256 ends a document, so
 * the vocabulary has 257 tokens. Useful for small models, where GPT-2's 50,257-row embedding would
 * dominate the parameter count.
 */
final class ByteTokenizer implements Tokenizer {
  private static final long serialVersionUID = 1L;

  static final String NAME = "byte";
  static final ByteTokenizer INSTANCE = new ByteTokenizer();
  static final int EOT = 256;

  private ByteTokenizer() {}

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int vocabSize() {
    return EOT + 1;
  }

  @Override
  public int eot() {
    return EOT;
  }

  @Override
  public int[] encodeDocument(String text) {
    byte[] bytes = WellFormed.text(text).getBytes(StandardCharsets.UTF_8);
    int[] tokens = new int[bytes.length + 1];
    for (int i = 0; i < bytes.length; i++) {
      tokens[i] = bytes[i] & 0xFF;
    }
    tokens[bytes.length] = EOT;
    return tokens;
  }

  @Override
  public String decode(int[] tokens) {
    StringBuilder out = new StringBuilder();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (int t : tokens) {
      if (t == EOT) {
        out.append(bytes.toString(StandardCharsets.UTF_8)).append("<|endoftext|>");
        bytes.reset();
      } else if (t >= 0 && t < EOT) {
        bytes.write(t);
      } else {
        throw new IllegalArgumentException("token " + t + " is outside the byte vocabulary 0..256");
      }
    }
    return out.append(bytes.toString(StandardCharsets.UTF_8)).toString();
  }

  /** Counts UTF-8 bytes without encoding; an unpaired surrogate counts as U+FFFD's 3 bytes. */
  @Override
  public long countTokens(String text) {
    long n = 1; // end of text
    int len = text.length();
    for (int i = 0; i < len; i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < len
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  private Object readResolve() {
    return INSTANCE;
  }

  @Override
  public String toString() {
    return NAME;
  }
}
