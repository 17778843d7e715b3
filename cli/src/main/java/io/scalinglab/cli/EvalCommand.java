package io.scalinglab.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.scalinglab.core.cli.Args;
import io.scalinglab.core.cli.Console;
import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.store.Json;
import io.scalinglab.trainer.train.CheckpointEval;
import java.io.PrintStream;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/** {@code scalinglab eval}: the loss of a run's checkpoint on the first windows of a split. */
final class EvalCommand {
  static final String HELP =
      """
      usage: scalinglab eval --run DIR [--checkpoint STEP] [--dataset DIR] [--split val|train]
                             [--windows N] [--json]

      Mean cross-entropy (nats per token) of a run's checkpoint on the first N non-overlapping
      windows of a split's token stream: window i takes inputs tokens[i*T .. i*T+T-1] and targets
      tokens[i*T+1 .. i*T+T], T the model's block size. The model is rebuilt from the run's own
      config. A pretrained GPT-2 becomes a run to evaluate with model.init-from and
      train.max-steps = 0 (see the README).

      flags:
        --run DIR          the run's folder, <store>/<sweep>/runs/<run-id> (a path or any Hadoop URI)
        --checkpoint STEP  the checkpoint's step (default: the latest)
        --dataset DIR      a prepared dataset's folder, <store>/data/<dataset-id>/<tokenizer>,
                           prepared with the run's tokenizer (default: the run's own dataset)
        --split SPLIT      val | train (default val)
        --windows N        windows to evaluate (default 100; a split with fewer gives all it has)
        --json             print one JSON object: loss, windows, tokens, checkpoint, run, split,
                           dataset, model
        -h, --help         this help

      example:
        scalinglab eval --run store/single/runs/1l32w-0123456789ab --windows 50 --json
      """;

  static final int DEFAULT_WINDOWS = 100;

  private static final Set<String> WITH_VALUE =
      Set.of("--run", "--checkpoint", "--dataset", "--split", "--windows");
  private static final ObjectWriter JSON = Json.PRETTY;

  private EvalCommand() {}

  static void run(String[] argv) {
    run(argv, System.out);
  }

  /** Runs the command, printing the result to {@code out}. */
  static void run(String[] argv, PrintStream out) {
    Args args = Args.parse("eval", argv, WITH_VALUE, Set.of("--help", "--json"));
    if (args.has("--help")) {
      out.print(HELP);
      return;
    }
    if (!args.positional().isEmpty()) {
      throw new UsageException(
          "unexpected argument '" + args.positional().get(0) + "'; give the run with --run");
    }
    if (!args.has("--run")) {
      throw new UsageException("--run is required. See: scalinglab eval --help");
    }
    String split = args.get("--split", "val");
    if (!CheckpointEval.SPLITS.contains(split)) {
      throw new UsageException(
          "'" + split + "' in --split is invalid: must be one of " + CheckpointEval.SPLITS);
    }
    OptionalInt checkpoint =
        args.has("--checkpoint")
            ? OptionalInt.of(args.getInt("--checkpoint", 0, 0))
            : OptionalInt.empty();
    CheckpointEval.Request request =
        new CheckpointEval.Request(
            args.get("--run", null),
            checkpoint,
            args.get("--dataset", null),
            split,
            args.getInt("--windows", DEFAULT_WINDOWS, 1));
    boolean json = args.has("--json");
    // With --json, standard output holds the object alone; progress goes to standard error.
    CheckpointEval.Outcome o =
        CheckpointEval.run(
            request, new Configuration(), json ? System.err::println : Console::line);
    if (json) {
      out.println(write(o));
      return;
    }
    out.printf(
        Locale.ROOT,
        "loss %.6f nats per token (perplexity %.4g) on %d windows (%,d tokens) of the %s split%n"
            + "  run %s, checkpoint %d, dataset %s%n",
        o.loss().loss(),
        Math.exp(o.loss().loss()),
        o.loss().windows(),
        o.loss().tokens(),
        o.split(),
        o.runId(),
        o.checkpoint(),
        o.dataset());
  }

  private static String write(CheckpointEval.Outcome o) {
    try {
      return JSON.writeValueAsString(o.toJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
