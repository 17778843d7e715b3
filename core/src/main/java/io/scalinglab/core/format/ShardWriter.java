package io.scalinglab.core.format;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.format.TokenShards.ShardInfo;
import java.io.IOException;
import java.io.OutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * A writer of one token shard, made by {@link TokenShards#writer(OutputStream, int)}. It checks
 * every token against the vocabulary, encodes it as little-endian uint16, buffers the bytes and
 * hashes them on the way out, so the shard's SHA-256 costs no second pass over the file.
 *
 * <p>Not thread-safe. It is not {@link AutoCloseable} because {@link #close()} returns what was
 * written; call it in a {@code finally} or let {@code ResultsStore.writeAtomically} discard the
 * file when writing fails.
 */
public final class ShardWriter {
  private static final int BUFFER_BYTES = 1 << 16;

  private final OutputStream out;
  private final int vocabSize;
  private final MessageDigest digest = TokenShards.newSha256();
  private final byte[] buf = new byte[BUFFER_BYTES];
  private int used;
  private long tokens;
  private ShardInfo info;

  ShardWriter(OutputStream out, int vocabSize) {
    this.out = out;
    this.vocabSize = vocabSize;
  }

  /**
   * Appends one token.
   *
   * @throws IllegalArgumentException if the token lies outside {@code [0, vocabSize)}
   */
  public void write(int token) throws IOException {
    checkOpen();
    check(token);
    if (used == buf.length) {
      flushBuffer();
    }
    buf[used++] = (byte) token;
    buf[used++] = (byte) (token >>> 8);
    tokens++;
  }

  /**
   * Appends {@code len} tokens of {@code t} from {@code off}. Nothing of the slice is written if
   * one of its tokens is out of range.
   *
   * @throws IllegalArgumentException if a token lies outside {@code [0, vocabSize)}
   */
  public void write(int[] t, int off, int len) throws IOException {
    requireNonNull(t, "t");
    checkOpen();
    if (off < 0 || len < 0 || off > t.length - len) {
      throw new IndexOutOfBoundsException(
          "off " + off + ", len " + len + " out of bounds for length " + t.length);
    }
    for (int i = off; i < off + len; i++) {
      check(t[i]);
    }
    for (int i = off; i < off + len; i++) {
      if (used == buf.length) {
        flushBuffer();
      }
      buf[used++] = (byte) t[i];
      buf[used++] = (byte) (t[i] >>> 8);
    }
    tokens += len;
  }

  /**
   * Flushes and closes the underlying stream and says what was written. Calling it again returns
   * the same answer.
   */
  public ShardInfo close() throws IOException {
    if (info == null) {
      flushBuffer();
      out.close();
      info = new ShardInfo(tokens, 2 * tokens, HexFormat.of().formatHex(digest.digest()));
    }
    return info;
  }

  private void check(int token) {
    if (token < 0 || token >= vocabSize) {
      throw new IllegalArgumentException(
          "token " + token + " is outside the vocabulary [0, " + vocabSize + ")");
    }
  }

  private void checkOpen() {
    if (info != null) {
      throw new IllegalStateException("shard writer is closed");
    }
  }

  private void flushBuffer() throws IOException {
    digest.update(buf, 0, used);
    out.write(buf, 0, used);
    used = 0;
  }
}
