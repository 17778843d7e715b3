package io.scalinglab.trainer.model;

import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * SameDiff 1.0.0-M2.1 prints one line per op to standard output while it builds a gradient function
 * ({@code "Added differentiated op ..."}, from {@code SameDiff.createGradFunction}, with {@code
 * System.out.println}, not a logger): about sixty lines per model, which would bury a sweep's
 * progress lines. This drops exactly those lines and passes everything else through.
 */
final class SameDiffChatter {
  static final String PREFIX = "Added differentiated op ";
  private static boolean installed;

  private SameDiffChatter() {}

  /** Filters standard output once per JVM; later calls do nothing. */
  static synchronized void mute() {
    if (installed) {
      return;
    }
    System.setOut(new Filter(System.out));
    installed = true;
  }

  /** Standard output without SameDiff's gradient listing. */
  static final class Filter extends PrintStream {
    Filter(PrintStream out) {
      super(out, true, Charset.defaultCharset());
    }

    @Override
    public void println(String line) {
      if (line != null && line.startsWith(PREFIX)) {
        return;
      }
      super.println(line);
    }
  }
}
