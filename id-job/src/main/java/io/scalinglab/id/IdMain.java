package io.scalinglab.id;

import io.scalinglab.core.cli.ExitStatus;

/**
 * The id job's spark-submit entry point: the flags of {@link IdCommand}, most often {@code --sweep
 * NAME} to estimate every run's activations of a sweep in the results store. The Spark session
 * comes from spark-submit; on a cluster the kNN search runs as Spark tasks ({@code id.knn.engine =
 * auto}).
 */
public final class IdMain {
  static final String PROGRAM = "scalinglab id-job";

  /** How the help names the command line in front of the flags. */
  static final String INVOCATION = "deploy/submit --target <target> id";

  private IdMain() {}

  public static void main(String[] argv) {
    ExitStatus.exit(run(argv));
  }

  /** Runs one command line and returns the exit status. */
  public static int run(String[] argv) {
    return ExitStatus.of(PROGRAM, () -> IdCommand.run(INVOCATION, argv));
  }
}
