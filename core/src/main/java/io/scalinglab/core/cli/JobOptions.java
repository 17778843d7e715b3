package io.scalinglab.core.cli;

import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.error.InputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The flags every job subcommand shares: config files, {@code --set} overrides and the shortcuts
 * {@code --store}, {@code --master} and {@code --conf}, which become overrides too, so the resolved
 * config written beside every artifact shows what was really used.
 */
public final class JobOptions {
  public static final Set<String> WITH_VALUE =
      Set.of("--config", "--set", "--store", "--master", "--conf");
  public static final Set<String> SWITCHES = Set.of("--help");

  public static final String HELP =
      """
        --config FILE        a config file (dataset, model family or sweep); repeatable, later
                             files override earlier ones
        --set KEY=VALUE      override one config key, e.g. --set dataset.val-fraction=0.01;
                             repeatable, applied after every file
        --store URI          results store root (file:///..., hdfs://namenode:8020/...);
                             same as --set store.root=URI
        --master URL         Spark master (local[*], spark://host:7077, yarn, k8s://...)
        --conf KEY=VALUE     a Spark setting, e.g. --conf spark.executor.memory=4g; repeatable
        -h, --help           this help
      """;

  private JobOptions() {}

  /**
   * Parses the flags of a job command that takes only the shared flags: prints {@code help} and
   * returns empty for {@code --help}; a stray argument fails with where config files go.
   */
  public static java.util.Optional<ScalinglabConfig> parse(
      String command, String[] argv, String help) {
    Args args = args(command, argv);
    if (args.has("--help")) {
      System.out.print(help);
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(config(args));
  }

  /**
   * The flags of a job command that takes only the shared flags, checked but not yet loaded: what
   * {@link #parse} reads, for callers that check a command line without running it (the tests of
   * the Kubernetes manifests).
   */
  public static Args args(String command, String[] argv) {
    Args args = Args.parse(command, argv, WITH_VALUE, SWITCHES);
    if (!args.has("--help") && !args.positional().isEmpty()) {
      throw new UsageException(
          "unexpected argument '" + args.positional().get(0) + "'; config files go after --config");
    }
    return args;
  }

  /** Loads the layered config the flags describe. */
  public static ScalinglabConfig config(Args args) {
    return config(args, List.of());
  }

  /**
   * As {@link #config(Args)}, with a command's own overrides (from its own flags) applied after
   * those of the shared flags.
   */
  public static ScalinglabConfig config(Args args, List<String> more) {
    List<Path> files = new ArrayList<>();
    for (String f : args.all("--config")) {
      Path p = Path.of(f);
      if (!Files.isRegularFile(p)) {
        throw InputException.of(
            f,
            "config file not found (--config)",
            "Give the path of a .conf file, e.g. " + "configs/datasets/tinystories.conf");
      }
      files.add(p);
    }
    List<String> overrides = overrides(args);
    overrides.addAll(more);
    return ScalinglabConfig.load(files, overrides);
  }

  /** The {@code --set} overrides plus those the shortcut flags stand for, in a new list. */
  public static List<String> overrides(Args args) {
    List<String> out = new ArrayList<>(args.all("--set"));
    if (args.has("--store")) {
      out.add("store.root=" + quote(args.get("--store", null)));
    }
    if (args.has("--master")) {
      out.add("spark.master=" + quote(args.get("--master", null)));
    }
    for (String kv : args.all("--conf")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new UsageException(
            "'" + kv + "' in --conf is invalid: expected KEY=VALUE, e.g. spark.executor.memory=4g");
      }
      out.add("spark.conf." + quote(kv.substring(0, eq)) + "=" + quote(kv.substring(eq + 1)));
    }
    return out;
  }

  /** A HOCON quoted string, so URIs with {@code //} are not read as comments. */
  public static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
