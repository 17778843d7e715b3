package io.scalinglab.cli;

import io.scalinglab.analysis.AnalyzeCommand;
import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.ExitStatus;
import io.scalinglab.id.IdCommand;
import io.scalinglab.trainer.PrepareCommand;
import io.scalinglab.trainer.SweepCommand;
import java.util.Arrays;
import java.util.List;

/** Entry point of {@code bin/scalinglab}: dispatches to one subcommand and maps errors to exits. */
public final class Main {
  static final String USAGE =
      """
      scalinglab: scaling laws of transformers on Spark, checked against intrinsic-dimension theory

      usage: scalinglab <command> [flags]

      commands:
        prepare   tokenize a corpus into train/validation token shards in the results store
        train     train one GPT on a prepared dataset (resumes from its last checkpoint)
        sweep     train every (model size, data size, seed) of a sweep, one Spark task per run
        id        intrinsic dimension of activations or any .npy / Parquet embeddings
        eval      loss of a run's checkpoint on the first windows of a dataset split
        fit       fit a scaling law (power, offset, Chinchilla) to any CSV table
        analyze   scaling-law fits, theory predictions, figures and report.html for a sweep
        demo      run the jobs end to end on corpora that ship with Maven Central packages
        bench     measure a stage: bench tokenize | train | id | sweep | sweep-load | prepare-load
        help      this text; 'scalinglab <command> --help' shows a command's flags

      Configs are HOCON, layered: reference.conf <- dataset <- model family <- sweep <- --set.
      Results go to the store root (store.root, or --store): any Hadoop URI, file:// or hdfs://.
      With --master yarn | spark://host:port | k8s://https://host:port, prepare, sweep, id and
      analyze are submitted through spark-submit as deploy/submit does (--dry-run prints it).
      Exit status: 0 done, 1 failed (the message says why and what to do), 2 bad command line.
      """;

  private Main() {}

  public static void main(String[] argv) {
    System.exit(run(argv));
  }

  /** Runs one command line and returns the exit status. */
  static int run(String[] argv) {
    if (argv.length == 0) {
      System.out.print(USAGE);
      return 2;
    }
    String command = argv[0];
    String[] rest = Arrays.copyOfRange(argv, 1, argv.length);
    return ExitStatus.of(
        "scalinglab",
        () -> {
          switch (command) {
            case "prepare" -> PrepareCommand.run("scalinglab", rest);
            case "demo" -> DemoCommand.run(rest);
            case "train" -> TrainCommand.run(rest);
            case "sweep" -> SweepCommand.run("scalinglab", rest);
            case "id" -> IdCommand.run("scalinglab id", rest);
            case "eval" -> EvalCommand.run(rest);
            case "fit" -> FitCommand.run(rest);
            case "analyze" -> AnalyzeCommand.run("scalinglab analyze", rest);
            case "bench" -> BenchCommand.run(rest);
            case "help", "--help", "-h" -> System.out.print(USAGE);
            default ->
                throw Args.unknownCommand(
                    command,
                    List.of(
                        "prepare", "train", "sweep", "eval", "id", "fit", "analyze", "demo",
                        "bench", "help"));
          }
        });
  }
}
