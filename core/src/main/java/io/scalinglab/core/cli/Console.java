package io.scalinglab.core.cli;

import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** Progress lines on standard output, each stamped with the wall-clock time. */
public final class Console {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

  private Console() {}

  /** A progress line: {@code [HH:mm:ss] message}. */
  public static void line(String message) {
    PrintStream out = System.out;
    out.println("[" + LocalTime.now().format(TIME) + "] " + message);
    out.flush();
  }

  /** A line of results, without a time stamp. */
  public static void plain(String message) {
    PrintStream out = System.out;
    out.println(message);
    out.flush();
  }
}
