package io.scalinglab.trainer.prepare;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The two seeded keys of a document: one decides its split, the other its place in the fixed
 * shuffled order of the training documents.
 *
 * <p>Both come from {@code SHA-256(seed as 8 big-endian bytes || UTF-8 text)}: bytes 0..7 give the
 * split key, bytes 8..15 the order key, so the two are independent. A document goes to validation
 * when {@code (splitKey >>> 11) / 2^53 < valFraction}, or, with {@code dataset.val-documents = N},
 * when its key is among the N smallest of the corpus ({@link ValidationSplit}). Anyone can
 * recompute both with Python's hashlib. Identical documents get identical keys and so always land
 * in the same split, which keeps duplicated text from leaking between train and validation.
 */
public final class DocumentKeys {
  private static final double TWO_POW_53 = 9007199254740992.0;

  private final MessageDigest sha256;
  private final byte[] seedBytes;

  /** Keys for one seed; not thread-safe (one instance per Spark task). */
  public DocumentKeys(long seed) {
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every Java platform", e);
    }
    this.seedBytes = ByteBuffer.allocate(8).putLong(seed).array();
  }

  /** The keys of one document. */
  public Keys of(String text) {
    sha256.reset();
    sha256.update(seedBytes);
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    sha256.update(utf8);
    ByteBuffer digest = ByteBuffer.wrap(sha256.digest());
    return new Keys(digest.getLong(0), digest.getLong(8), utf8.length);
  }

  /** The split key and order key of one document, and its size in UTF-8 bytes. */
  public record Keys(long splitKey, long orderKey, int utf8Bytes) {
    /** Whether the document belongs to the validation split. */
    public boolean isValidation(double valFraction) {
      return unitInterval(splitKey) < valFraction;
    }
  }

  /** Maps a 64-bit key to [0, 1) using its top 53 bits. */
  static double unitInterval(long key) {
    return (key >>> 11) / TWO_POW_53;
  }
}
