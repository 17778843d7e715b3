package io.scalinglab.cli;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress lines on standard output, each stamped with the wall-clock time. */
final class Console {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
  private static final PrintStream OUT = System.out;

  private Console() {}

  static void line(String message) {
    OUT.println("[" + LocalTime.now().format(TIME) + "] " + message);
    OUT.flush();
  }

  static void plain(String message) {
    OUT.println(message);
    OUT.flush();
  }
}
