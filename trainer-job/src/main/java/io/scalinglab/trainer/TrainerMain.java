package io.scalinglab.trainer;

import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.ExitStatus;
import java.util.Arrays;
import java.util.List;

/**
 * The trainer job's spark-submit entry point: {@code prepare} tokenizes a corpus, {@code sweep}
 * trains a sweep's runs as Spark tasks. The Spark session comes from spark-submit ({@code
 * --master}, {@code --conf}), falling back on the config's {@code spark} section; {@code
 * deploy/submit} builds the submit command line.
 */
public final class TrainerMain {
  static final String PROGRAM = "scalinglab trainer-job";

  /** How the commands' help names the command line in front of them. */
  static final String INVOCATION = "deploy/submit --target <target> trainer";

  static final String USAGE =
      """
      scalinglab trainer-job: prepares corpora and trains sweeps of GPT models on Spark

      usage: spark-submit --class io.scalinglab.trainer.TrainerMain \\
               scalinglab-trainer-job-<version>-spark.jar <command> [flags]
             deploy/submit --target local|standalone|yarn|k8s trainer <command> [flags]

      commands:
        prepare   tokenize a corpus into train/validation token shards in the results store
        sweep     train every (model size, data size, seed) run of a sweep, one Spark task each

      '<command> --help' shows a command's flags. Exit status: 0 done, 1 failed (the message says
      why and what to do), 2 bad command line.
      """;

  private TrainerMain() {}

  public static void main(String[] argv) {
    ExitStatus.exit(run(argv));
  }

  /** Runs one command line and returns the exit status. */
  public static int run(String[] argv) {
    if (argv.length == 0) {
      System.out.print(USAGE);
      return ExitStatus.USAGE;
    }
    String command = argv[0];
    String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
    return ExitStatus.of(
        PROGRAM,
        () -> {
          switch (command) {
            case "prepare" -> PrepareCommand.run(INVOCATION, rest);
            case "sweep" -> SweepCommand.run(INVOCATION, rest);
            case "help", "--help", "-h" -> System.out.print(USAGE);
            default -> throw Args.unknownCommand(command, List.of("prepare", "sweep", "help"));
          }
        });
  }
}
