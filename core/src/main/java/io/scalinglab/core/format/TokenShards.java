package io.scalinglab.core.format;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.error.InputException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * Token shards: a flat run of little-endian unsigned 16-bit token ids with no header, the layout of
 * nanoGPT's {@code train.bin}/{@code val.bin} ({@code np.memmap(path, dtype=np.uint16)}), so data
 * prepared by nanoGPT's {@code prepare.py} can be used as is and ours can be read by numpy. A token
 * id must lie in {@code [0, vocabSize)} with {@code vocabSize <= 65536}, the range of uint16;
 * GPT-2's 50,257 fits.
 */
public final class TokenShards {
  /** The largest vocabulary a uint16 shard can hold. */
  public static final int MAX_VOCAB_SIZE = 1 << 16;

  private static final int BUFFER_BYTES = 1 << 16;

  private TokenShards() {}

  /** What was written to one shard: token count, byte count and the SHA-256 of the bytes. */
  public record ShardInfo(long tokens, long bytes, String sha256) {}

  /**
   * A writer of one shard to {@code out}, which it buffers and closes on {@link
   * ShardWriter#close()}.
   *
   * @param vocabSize tokens must lie in {@code [0, vocabSize)}; at most {@link #MAX_VOCAB_SIZE}
   */
  public static ShardWriter writer(OutputStream out, int vocabSize) {
    requireNonNull(out, "out");
    checkVocabSize(vocabSize, false);
    return new ShardWriter(out, vocabSize);
  }

  /**
   * Reads a whole shard into memory.
   *
   * @param name the input's name for error messages (a path, usually)
   * @param vocabSize tokens must lie in {@code [0, vocabSize)}; 0 skips the check
   * @throws InputException naming {@code name} if the byte length is odd, a token lies outside the
   *     vocabulary, or the stream cannot be read
   */
  public static int[] readAll(InputStream in, String name, int vocabSize) {
    requireNonNull(in, "in");
    requireNonNull(name, "name");
    checkVocabSize(vocabSize, true);
    byte[] buf = new byte[BUFFER_BYTES];
    int[] tokens = new int[1024];
    int count = 0;
    long bytes = 0;
    int pending = -1; // the low byte of a token split across two reads, or -1
    try {
      for (int n; (n = in.read(buf)) != -1; ) {
        bytes += n;
        if (tokens.length - count < n / 2 + 1) {
          tokens = grow(tokens, count + n / 2 + 1, name);
        }
        int i = 0;
        if (pending >= 0 && n > 0) {
          tokens[count] = checkToken(pending | (buf[0] & 0xFF) << 8, count, vocabSize, name);
          count++;
          pending = -1;
          i = 1;
        }
        for (; i + 1 < n; i += 2) {
          int token = (buf[i] & 0xFF) | (buf[i + 1] & 0xFF) << 8;
          tokens[count] = checkToken(token, count, vocabSize, name);
          count++;
        }
        if (i < n) {
          pending = buf[i] & 0xFF;
        }
      }
    } catch (IOException e) {
      throw InputException.of(
          name, "cannot read token shard: " + e, "Check that the file exists and is readable", e);
    }
    if (pending >= 0) {
      throw oddLength(bytes, name);
    }
    return count == tokens.length ? tokens : Arrays.copyOf(tokens, count);
  }

  /**
   * The number of tokens in a shard of {@code bytes} bytes.
   *
   * @throws InputException naming {@code name} if {@code bytes} is odd
   */
  public static long tokenCount(long bytes, String name) {
    requireNonNull(name, "name");
    if (bytes < 0) {
      throw new IllegalArgumentException("bytes must be >= 0, got " + bytes);
    }
    if (bytes % 2 != 0) {
      throw oddLength(bytes, name);
    }
    return bytes / 2;
  }

  /** The lowercase hex SHA-256 of everything {@code in} holds; reads it to the end. */
  public static String sha256(InputStream in) {
    requireNonNull(in, "in");
    MessageDigest digest = newSha256();
    byte[] buf = new byte[BUFFER_BYTES];
    try {
      for (int n; (n = in.read(buf)) != -1; ) {
        digest.update(buf, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform must provide SHA-256", e);
    }
  }

  static void checkVocabSize(int vocabSize, boolean zeroAllowed) {
    if (vocabSize > MAX_VOCAB_SIZE || vocabSize < 0 || (vocabSize == 0 && !zeroAllowed)) {
      throw new IllegalArgumentException(
          "vocabSize "
              + vocabSize
              + " is invalid: uint16 shards hold vocabularies of 1 to "
              + MAX_VOCAB_SIZE
              + " tokens"
              + (zeroAllowed ? " (0 skips the check)" : ""));
    }
  }

  private static int checkToken(int token, int position, int vocabSize, String name) {
    if (vocabSize > 0 && token >= vocabSize) {
      throw outsideVocabulary(name, token, position, vocabSize);
    }
    return token;
  }

  /**
   * The error for token {@code token} at {@code position} of shard {@code name} lying outside a
   * vocabulary of {@code vocabSize} tokens, for readers that check tokens as they read them.
   */
  public static InputException outsideVocabulary(
      String name, int token, long position, int vocabSize) {
    return InputException.of(
        name,
        "token "
            + token
            + " at position "
            + position
            + " is outside the vocabulary of "
            + vocabSize
            + " tokens",
        "Was the shard prepared with another tokenizer? Prepare the data again with this"
            + " run's tokenizer, or point the run at data prepared with it");
  }

  private static InputException oddLength(long bytes, String name) {
    return InputException.of(
        name,
        "odd byte length " + bytes + ": not uint16 tokens",
        "Was it written as uint16 little-endian? With numpy: np.array(ids, dtype=np.uint16)"
            + ".tofile(path)");
  }

  private static int[] grow(int[] tokens, int needed, String name) {
    // Arrays stop a little short of Integer.MAX_VALUE elements on common JVMs.
    int limit = Integer.MAX_VALUE - 8;
    if (needed > limit) {
      throw InputException.of(
          name,
          "more than " + limit + " tokens do not fit in one array",
          "Split the data into smaller shards");
    }
    int size = (int) Math.min(limit, Math.max(needed, 2L * tokens.length));
    return Arrays.copyOf(tokens, size);
  }
}
