package io.scalinglab.trainer.tokenize;

/**
 * Replaces unpaired UTF-16 surrogates with U+FFFD, as tiktoken's {@code encode_ordinary} does on
 * {@code UnicodeEncodeError} ({@code text.encode("utf-16", "surrogatepass").decode("utf-16",
 * "replace")}). Java's {@code getBytes(UTF_8)} would write {@code '?'} instead, silently giving
 * tokens nanoGPT would not. JSON escapes such as {@code "\ud800"} are how such text arises.
 */
final class WellFormed {
  private WellFormed() {}

  /** {@code text} itself when it has no unpaired surrogate (the usual case), else a fixed copy. */
  static String text(String text) {
    int n = text.length();
    for (int i = 0; i < n; i++) {
      if (Character.isSurrogate(text.charAt(i))) {
        return fix(text, i);
      }
    }
    return text;
  }

  private static String fix(String text, int from) {
    int n = text.length();
    StringBuilder sb = null;
    for (int i = from; i < n; i++) {
      char c = text.charAt(i);
      if (!Character.isSurrogate(c)) {
        if (sb != null) {
          sb.append(c);
        }
        continue;
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        if (sb != null) {
          sb.append(c).append(text.charAt(i + 1));
        }
        i++;
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(n).append(text, 0, i);
      }
      sb.append('\uFFFD');
    }
    return sb == null ? text : sb.toString();
  }
}
