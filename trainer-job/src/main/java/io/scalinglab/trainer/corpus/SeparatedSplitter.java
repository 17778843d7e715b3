package io.scalinglab.trainer.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Splits a stream on a byte separator (e.g. {@code <|endoftext|>}) without holding more than the
 * current piece and one buffer in memory. Matches are found left to right without overlap, as
 * Python's {@code bytes.split} finds them, and a separator may straddle two reads.
 */
final class SeparatedSplitter {
  private SeparatedSplitter() {}

  static final int DEFAULT_BUFFER = 1 << 20;

  static void split(InputStream in, byte[] separator, Consumer<Record> out, int bufferSize)
      throws IOException {
    Objects.requireNonNull(in, "in");
    Objects.requireNonNull(separator, "separator");
    Objects.requireNonNull(out, "out");
    if (separator.length == 0) {
      throw new IllegalArgumentException("separator is empty");
    }
    if (bufferSize < 1) {
      throw new IllegalArgumentException("bufferSize " + bufferSize + " < 1");
    }
    int sep = separator.length;
    byte[] buf = new byte[Math.max(bufferSize, sep)];
    int start = 0; // first byte of the current piece
    int end = 0; // end of the bytes read so far
    int searchFrom = 0; // no separator starts in [start, searchFrom)
    while (true) {
      int p;
      while ((p = indexOf(buf, searchFrom, end, separator)) >= 0) {
        out.accept(RecordParsers.separated(buf, start, p - start));
        start = p + sep;
        searchFrom = start;
      }
      // A separator cut by the end of the buffer may still start in its last sep-1 bytes.
      searchFrom = Math.max(start, end - sep + 1);
      if (end == buf.length) {
        if (start > 0) {
          System.arraycopy(buf, start, buf, 0, end - start);
          end -= start;
          searchFrom -= start;
          start = 0;
        } else {
          // One piece fills the buffer: grow it, the piece must be whole to be decoded.
          if (buf.length > Integer.MAX_VALUE / 2 - 16) {
            throw new IllegalStateException(
                "a piece between separators is over 1 GiB: is the separator right?");
          }
          buf = Arrays.copyOf(buf, buf.length * 2);
        }
      }
      int n = in.read(buf, end, buf.length - end);
      if (n < 0) {
        break;
      }
      end += n;
    }
    // The tail after the last separator is a document unless it is blank: a file that ends with
    // a separator (and perhaps a newline) has no extra, empty document at the end.
    if (end > start) {
      Record tail = RecordParsers.separated(buf, start, end - start);
      if (!(tail instanceof Skipped s && s.reason() == SkipReason.EMPTY_DOCUMENT)) {
        out.accept(tail);
      }
    }
  }

  /** The first index in {@code [from, to)} where {@code needle} starts and fits, or -1. */
  static int indexOf(byte[] hay, int from, int to, byte[] needle) {
    byte first = needle[0];
    int last = to - needle.length;
    outer:
    for (int i = from; i <= last; i++) {
      if (hay[i] != first) {
        continue;
      }
      for (int j = 1; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
