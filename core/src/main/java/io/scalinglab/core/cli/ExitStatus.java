package io.scalinglab.core.cli;

import io.scalinglab.core.error.ConfigException;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.ScalinglabException;
import io.scalinglab.core.spark.SparkSessions;

/**
 * The exit status every scalinglab entry point ends with, {@code bin/scalinglab} and the jobs'
 * spark-submit main classes alike: 0 done, 1 failed (a config or input error, or a job that failed;
 * the message says why and what to do), 2 a command line that cannot be run as typed.
 */
public final class ExitStatus {
  public static final int DONE = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private ExitStatus() {}

  /**
   * Runs {@code command} and returns its exit status, printing {@code program: message} on standard
   * error for a documented failure. Other exceptions are bugs and propagate with their stack trace.
   */
  public static int of(String program, Runnable command) {
    try {
      command.run();
      return DONE;
    } catch (UsageException e) {
      System.err.println(program + ": " + e.getMessage());
      return USAGE;
    } catch (ConfigException | InputException e) {
      System.err.println(program + ": " + e.getMessage());
      return FAILED;
    } catch (ScalinglabException e) {
      System.err.println(program + ": " + e.getMessage());
      if (e.getCause() != null) {
        e.printStackTrace(System.err);
      }
      return FAILED;
    }
  }

  /**
   * Ends a spark-submit main class with {@code status}. Success under YARN's cluster deploy mode
   * returns instead of exiting: the ApplicationMaster runs the main class in its own JVM and counts
   * a {@code System.exit} before the main class returns as a failed application.
   */
  public static void exit(int status) {
    if (status == DONE && SparkSessions.yarnClusterDriver()) {
      return;
    }
    System.exit(status);
  }
}
