package io.scalinglab.trainer.corpus;

/**
 * A streaming check that bytes are well-formed UTF-8 as Unicode 15, table 3-7 defines it: no
 * overlong forms, no encoded surrogates, nothing above U+10FFFF. These are exactly the inputs
 * Java's UTF-8 decoder rejects with {@code CodingErrorAction.REPORT}, so once a record passes,
 * {@code new String(bytes, UTF_8)} decodes it exactly, without the decoder's extra buffer copy. The
 * state carries across {@link #feed} calls, so a sequence may span buffer boundaries.
 */
final class Utf8 {
  // States: how the next byte must look. ACCEPT = between characters.
  private static final int ACCEPT = 0;
  private static final int CONT1 = 1; // one more 80..BF
  private static final int CONT2 = 2; // two more 80..BF
  private static final int CONT3 = 3; // three more 80..BF
  private static final int AFTER_E0 = 4; // A0..BF, then one more (no overlong 3-byte forms)
  private static final int AFTER_ED = 5; // 80..9F, then one more (no surrogates)
  private static final int AFTER_F0 = 6; // 90..BF, then two more (no overlong 4-byte forms)
  private static final int AFTER_F4 = 7; // 80..8F, then two more (nothing above U+10FFFF)

  private int state = ACCEPT;
  private long position; // bytes fed so far
  private long sequenceStart; // position of the lead byte of the current character

  /**
   * Where in {@code b[off, off+len)} the first ill-formed character starts (its lead byte, as
   * Java's decoder reports it), relative to {@code off}; -1 if the bytes are well-formed.
   */
  static int firstInvalid(byte[] b, int off, int len) {
    Utf8 check = new Utf8();
    return check.feed(b, off, len) && check.complete() ? -1 : (int) check.errorPosition();
  }

  /**
   * Checks the next {@code len} bytes; false if they hold an ill-formed character, whose start
   * {@link #errorPosition()} then gives. After a false the state is undefined: callers stop.
   */
  boolean feed(byte[] b, int off, int len) {
    int s = state;
    int end = off + len;
    int i = off;
    while (i < end) {
      int c = b[i];
      if (s == ACCEPT) {
        // Most corpus text is ASCII: skip it without the state machine.
        if (c >= 0) {
          i++;
          continue;
        }
        c &= 0xFF;
        sequenceStart = position + (i - off);
        if (c >= 0xC2 && c <= 0xDF) {
          s = CONT1;
        } else if (c == 0xE0) {
          s = AFTER_E0;
        } else if (c == 0xED) {
          s = AFTER_ED;
        } else if (c >= 0xE1 && c <= 0xEF) {
          s = CONT2;
        } else if (c == 0xF0) {
          s = AFTER_F0;
        } else if (c >= 0xF1 && c <= 0xF3) {
          s = CONT3;
        } else if (c == 0xF4) {
          s = AFTER_F4;
        } else {
          return false;
        }
      } else {
        c &= 0xFF;
        int lo = 0x80;
        int hi = 0xBF;
        switch (s) {
          case AFTER_E0 -> lo = 0xA0;
          case AFTER_ED -> hi = 0x9F;
          case AFTER_F0 -> lo = 0x90;
          case AFTER_F4 -> hi = 0x8F;
          default -> {}
        }
        if (c < lo || c > hi) {
          // The character ends early: report where it starts, as Java's decoder does.
          return false;
        }
        s =
            switch (s) {
              case CONT1 -> ACCEPT;
              case CONT2, AFTER_E0, AFTER_ED -> CONT1;
              default -> CONT2; // CONT3, AFTER_F0, AFTER_F4
            };
      }
      i++;
    }
    state = s;
    position += len;
    return true;
  }

  /** Whether the bytes fed so far end between characters (no truncated sequence). */
  boolean complete() {
    return state == ACCEPT;
  }

  /**
   * The stream position where the ill-formed character starts: after {@link #feed} returned false,
   * or, if the input ended with {@link #complete()} false, the truncated character.
   */
  long errorPosition() {
    return sequenceStart;
  }
}
