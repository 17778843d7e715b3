package io.scalinglab.analysis;

import io.scalinglab.core.cli.ExitStatus;

/**
 * The analysis job's spark-submit entry point: the flags of {@link AnalyzeCommand}, {@code --sweep
 * NAME} and the shared job flags. It runs in the driver; Spark starts only when a table exists as
 * Parquet alone.
 */
public final class AnalysisMain {
  static final String PROGRAM = "scalinglab analysis-job";

  /** How the help names the command line in front of the flags. */
  static final String INVOCATION = "deploy/submit --target <target> analysis";

  private AnalysisMain() {}

  public static void main(String[] argv) {
    ExitStatus.exit(run(argv));
  }

  /** Runs one command line and returns the exit status. */
  public static int run(String[] argv) {
    return ExitStatus.of(PROGRAM, () -> AnalyzeCommand.run(INVOCATION, argv));
  }
}
