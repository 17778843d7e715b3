package io.scalinglab.trainer.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;

/**
 * An input stream that checks the bytes passing through are well-formed UTF-8. Jackson's own
 * decoder accepts overlong forms and encoded surrogates; this holds JSON array files to the same
 * strict UTF-8 as every other format. Closing it does not close the wrapped stream: the caller that
 * opened that stream closes it.
 */
final class ValidatingStream extends InputStream {
  /** Invalid UTF-8 at a byte offset of the stream. */
  static final class MalformedUtf8Exception extends IOException {
    private static final long serialVersionUID = 1L;
    private final long offset;

    MalformedUtf8Exception(long offset) {
      super("invalid UTF-8 at byte " + offset);
      this.offset = offset;
    }

    long offset() {
      return offset;
    }
  }

  private final InputStream in;
  private final Utf8 check = new Utf8();

  ValidatingStream(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xFF;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    int n = in.read(b, off, len);
    if (n < 0) {
      if (!check.complete()) {
        throw new MalformedUtf8Exception(check.errorPosition());
      }
      return n;
    }
    if (!check.feed(b, off, n)) {
      throw new MalformedUtf8Exception(check.errorPosition());
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }
}
