package io.scalinglab.trainer.prepare;

import java.io.Serializable;

/**
 * One input record after tokenization: a document with its split key, order key and tokens (already
 * in shard layout, little-endian uint16), or a skipped record with its reason. Which split a
 * document goes to is decided from its split key by a {@link ValidationSplit}.
 */
final class PreparedDoc implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Reason key of a skipped record, null for a document. */
  final String skipReason;

  /** Whether a skip is a corrupt record (true) or a filtered one (false). */
  final boolean corrupt;

  /** Short detail of a skip (where the JSON broke, which field was missing). */
  final String detail;

  final long splitKey;
  final long orderKey;
  final byte[] tokens;
  final long textBytes;

  private PreparedDoc(
      String skipReason,
      boolean corrupt,
      String detail,
      long splitKey,
      long orderKey,
      byte[] tokens,
      long textBytes) {
    this.skipReason = skipReason;
    this.corrupt = corrupt;
    this.detail = detail;
    this.splitKey = splitKey;
    this.orderKey = orderKey;
    this.tokens = tokens;
    this.textBytes = textBytes;
  }

  static PreparedDoc document(long splitKey, long orderKey, byte[] tokens, long textBytes) {
    return new PreparedDoc(null, false, null, splitKey, orderKey, tokens, textBytes);
  }

  static PreparedDoc skipped(String reason, boolean corrupt, String detail) {
    return new PreparedDoc(reason, corrupt, detail, 0L, 0L, null, 0L);
  }

  boolean isDocument() {
    return skipReason == null;
  }

  long tokenCount() {
    return tokens == null ? 0 : tokens.length / 2;
  }
}
