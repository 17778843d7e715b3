package io.scalinglab.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The whole validated scalinglab configuration: the resolved HOCON (our sections only) and the
 * records parsed from it.
 *
 * <p>Layers, later winning: reference.conf ← each config file in the order given (a sweep file
 * pulls in its dataset and model family with {@code include "../datasets/x.conf"}, resolved against
 * the including file) ← {@code --set key=value} overrides. An unknown key or a bad value fails at
 * load with the key, the value, what is allowed and the file and line that set it.
 *
 * <p>{@link #resolved()} holds each value the records read in the form they read it (a single path
 * as a list, an enum by its key), so {@link #toJson()} and {@link #sectionJson(String)} give the
 * same text for the same settings however they were written.
 *
 * <p>Every section is parsed into its record here, once, with the checks across keys (a minimum
 * rate above the peak, a decay that ends before warm-up does, a width that the heads do not divide,
 * a layer the model lacks), so a mistake fails at load, in the driver, before any job starts; jobs
 * read the records, not the raw {@code Config}.
 *
 * @param resolved the resolved config, our top-level sections only
 * @param store the {@code store} section
 * @param spark the {@code spark} section
 * @param dataset the {@code dataset} section
 * @param id the {@code id} section
 * @param model the {@code model} section
 * @param train the {@code train} section
 * @param sweep the {@code sweep} section
 * @param testbed the {@code testbed} section
 * @param metrics the {@code metrics} section
 * @param analysis the {@code analysis} section
 */
public record ScalinglabConfig(
    Config resolved,
    StoreConfig store,
    SparkSettings spark,
    DatasetConfig dataset,
    IdConfig id,
    ModelSettings model,
    TrainSettings train,
    SweepSettings sweep,
    TestbedSettings testbed,
    MetricsSettings metrics,
    AnalysisConfig analysis) {

  /** The sections parsed into the records above, in their order: every section there is. */
  static final List<String> RECORD_SECTIONS =
      List.of(
          "store",
          "spark",
          "dataset",
          "id",
          "model",
          "train",
          "sweep",
          "testbed",
          "metrics",
          "analysis");

  public ScalinglabConfig {
    Objects.requireNonNull(resolved, "resolved");
    Objects.requireNonNull(store, "store");
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(sweep, "sweep");
    Objects.requireNonNull(testbed, "testbed");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(analysis, "analysis");
  }

  /**
   * Layers reference.conf, {@code files} in order, then {@code overrides} (each {@code key=value},
   * without the {@code --set}), and validates the result.
   */
  public static ScalinglabConfig load(List<Path> files, List<String> overrides) {
    Objects.requireNonNull(files, "files");
    Objects.requireNonNull(overrides, "overrides");
    Config layered = ConfigFactory.empty();
    for (Path file : files) {
      layered = Hocon.parseFile(file).withFallback(layered);
    }
    return fromConfig(Overrides.parse(overrides).withFallback(layered));
  }

  /**
   * Validates {@code config} (user layers, with or without reference.conf beneath them) and parses
   * it. Every top-level key must be one of our sections, so pass the user layers, not {@code
   * ConfigFactory.load()}, which adds system properties.
   */
  public static ScalinglabConfig fromConfig(Config resolvedWithReference) {
    ReferenceConfig reference = ReferenceConfig.get();
    Config merged =
        Hocon.resolve(
            Objects.requireNonNull(resolvedWithReference, "resolvedWithReference")
                .withFallback(reference.config()));
    KeyCheck.check(merged.root(), reference);
    Settings settings = new Settings(merged);
    StoreConfig store = StoreConfig.from(settings);
    SparkSettings spark = SparkSettings.from(settings);
    DatasetConfig dataset = DatasetConfig.from(settings);
    IdConfig id = IdConfig.from(settings);
    ModelSettings model = ModelSettings.from(settings);
    TrainSettings train = TrainSettings.from(settings);
    SweepSettings sweep = SweepSettings.from(settings);
    TestbedSettings testbed = TestbedSettings.from(settings);
    MetricsSettings metrics = MetricsSettings.from(settings);
    AnalysisConfig analysis = AnalysisConfig.from(settings);
    Config resolved = reference.restrict(settings.normalize(merged));
    return new ScalinglabConfig(
        resolved, store, spark, dataset, id, model, train, sweep, testbed, metrics, analysis);
  }

  /** Parses what {@link #toJson()} wrote (provenance beside an artifact) and validates it again. */
  public static ScalinglabConfig fromJson(String json) {
    ConfigParseOptions options =
        ConfigParseOptions.defaults()
            .setSyntax(ConfigSyntax.JSON)
            .setOriginDescription("config JSON");
    try {
      return fromConfig(ConfigFactory.parseString(json, options));
    } catch (com.typesafe.config.ConfigException e) {
      throw new io.scalinglab.core.error.ConfigException(
          "cannot parse config JSON: " + e.getMessage(), e);
    }
  }

  /** This config with more {@code key=value} overrides on top, validated again. */
  public ScalinglabConfig withOverrides(List<String> overrides) {
    return fromConfig(
        Overrides.parse(Objects.requireNonNull(overrides, "overrides")).withFallback(resolved));
  }

  /** The whole resolved config as indented JSON, keys sorted: the provenance of an artifact. */
  public String toJson() {
    return CanonicalJson.pretty(resolved.root());
  }

  /**
   * One section or value ({@code "dataset.source"}) as one line of JSON, keys sorted: the same
   * settings give the same text, so it can be hashed into an id.
   */
  public String sectionJson(String path) {
    Objects.requireNonNull(path, "path");
    if (!resolved.hasPathOrNull(path)) {
      throw new IllegalArgumentException(
          "no config section " + path + "; sections: " + ReferenceConfig.get().sections());
    }
    return CanonicalJson.compact(resolved.getValue(path));
  }
}
