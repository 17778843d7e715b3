package io.scalinglab.trainer.data;

import java.util.Objects;

/** Tokens in a heap array: validation splits and tests. The array is shared, not copied. */
final class ArrayTokens implements TokenSource {
  private final int[] tokens;

  ArrayTokens(int[] tokens) {
    this.tokens = tokens;
  }

  @Override
  public long length() {
    return tokens.length;
  }

  @Override
  public void read(long offset, int[] dst, int dstOffset, int count) {
    checkRange(offset, count, tokens.length, dst, dstOffset);
    System.arraycopy(tokens, (int) offset, dst, dstOffset, count);
  }

  /**
   * Checks a {@link TokenSource#read} call: {@code [offset, offset + count)} against a source of
   * {@code length} tokens and {@code [dstOffset, dstOffset + count)} against {@code dst}.
   */
  static void checkRange(long offset, int count, long length, int[] dst, int dstOffset) {
    Objects.requireNonNull(dst, "dst");
    if (offset < 0 || count < 0 || offset > length - count) {
      throw new IndexOutOfBoundsException(
          "tokens ["
              + offset
              + ", "
              + (offset + count)
              + ") lie outside the source's "
              + length
              + " tokens");
    }
    Objects.checkFromIndexSize(dstOffset, count, dst.length);
  }
}
