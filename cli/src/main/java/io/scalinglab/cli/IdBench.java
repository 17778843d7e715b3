package io.scalinglab.cli;

/** Placeholder until {@code bench id} is built; replaced by its implementation. */
final class IdBench {
  private IdBench() {}

  /** The flags of {@code bench} plus those {@code bench id} adds. */
  static java.util.Set<String> extend(java.util.Set<String> flags) {
    return flags;
  }

  static void run(Args args) {
    throw new UsageException("bench id is not built yet");
  }
}
