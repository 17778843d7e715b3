package io.scalinglab.cli;

/** Placeholder until the command is built; replaced by its implementation. */
final class IdCommand {
  private IdCommand() {}

  static void run(String[] argv) {
    throw new UsageException("this command is not built yet");
  }
}
