package io.scalinglab.core.config;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A corpus and how to prepare it: source, tokenizer, validation split, nested training subsets and
 * sharding ({@code dataset} in reference.conf, where each key is documented).
 *
 * @param name dataset name; with a hash of the settings it forms the dataset id in the store
 * @param source where the corpus is read from
 * @param tokenizer tokenizer the corpus is prepared with
 * @param valFraction share of documents in the validation split, in (0, 1)
 * @param valDocuments least number of documents in the validation split; 0 leaves it to {@code
 *     valFraction}
 * @param seed seed of the document hash behind the split and the shuffled document order
 * @param subsetFractions nested training subsets as fractions in (0, 1] of the training tokens
 * @param subsetTokens nested training subsets as absolute token counts, each > 0
 * @param maxSkippedShare largest share of corrupt records skipped before prepare fails, in [0, 1]
 * @param shardTokens target tokens per output shard, at least 1024
 * @param partitions Spark partitions for tokenization; 0 lets Spark decide
 */
public record DatasetConfig(
    String name,
    SourceConfig source,
    TokenizerName tokenizer,
    double valFraction,
    int valDocuments,
    long seed,
    List<Double> subsetFractions,
    List<Long> subsetTokens,
    double maxSkippedShare,
    long shardTokens,
    int partitions) {
  static final Check<String> NAME =
      Check.matching(Pattern.compile("[A-Za-z0-9._-]+"), "letters, digits, '.', '_' and '-'");
  static final Check<Double> VAL_FRACTION = Check.interval(0, false, 1, false);
  static final Check<Long> VAL_DOCUMENTS = Check.between(0, Integer.MAX_VALUE);
  static final Check<Double> SUBSET_FRACTION = Check.interval(0, false, 1, true);
  static final Check<Long> SUBSET_TOKENS = Check.atLeast(1);
  static final Check<Double> MAX_SKIPPED_SHARE = Check.interval(0, true, 1, true);
  // one shard per 1024 tokens is already absurdly many files; smaller is surely a typo
  static final Check<Long> SHARD_TOKENS = Check.atLeast(1024);
  static final Check<Long> PARTITIONS = Check.between(0, Integer.MAX_VALUE);

  public DatasetConfig {
    NAME.require("dataset.name", Objects.requireNonNull(name, "name"));
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(tokenizer, "tokenizer");
    VAL_FRACTION.require("dataset.val-fraction", valFraction);
    VAL_DOCUMENTS.require("dataset.val-documents", (long) valDocuments);
    subsetFractions = List.copyOf(Objects.requireNonNull(subsetFractions, "subsetFractions"));
    subsetFractions.forEach(f -> SUBSET_FRACTION.require("dataset.subsets.fractions", f));
    subsetTokens = List.copyOf(Objects.requireNonNull(subsetTokens, "subsetTokens"));
    subsetTokens.forEach(t -> SUBSET_TOKENS.require("dataset.subsets.tokens", t));
    MAX_SKIPPED_SHARE.require("dataset.max-skipped-share", maxSkippedShare);
    SHARD_TOKENS.require("dataset.shard-tokens", shardTokens);
    PARTITIONS.require("dataset.partitions", (long) partitions);
  }

  /** The {@code dataset} section of {@code config}, layered on reference.conf. */
  public static DatasetConfig fromConfig(Config config) {
    return from(Settings.withReference(config));
  }

  /** The {@code dataset} section, read through {@code settings}. */
  public static DatasetConfig from(Settings settings) {
    return new DatasetConfig(
        settings.string("dataset.name", NAME),
        SourceConfig.from(settings),
        settings.choice("dataset.tokenizer", TokenizerName.class),
        settings.number("dataset.val-fraction", VAL_FRACTION),
        settings.intValue("dataset.val-documents", VAL_DOCUMENTS),
        settings.integer("dataset.seed", Check.any()),
        settings.numberList("dataset.subsets.fractions", SUBSET_FRACTION),
        settings.integerList("dataset.subsets.tokens", SUBSET_TOKENS),
        settings.number("dataset.max-skipped-share", MAX_SKIPPED_SHARE),
        settings.integer("dataset.shard-tokens", SHARD_TOKENS),
        settings.intValue("dataset.partitions", PARTITIONS));
  }
}
