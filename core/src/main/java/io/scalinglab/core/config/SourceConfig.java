package io.scalinglab.core.config;

import com.typesafe.config.Config;
import java.util.List;
import java.util.Objects;

/**
 * Where a corpus is read from and how its documents are stored ({@code dataset.source}).
 *
 * @param paths files, folders or globs (Hadoop URIs or local paths); may be empty here, the prepare
 *     stage rejects an empty list itself
 * @param format how documents are stored
 * @param textField field or column holding the text (jsonl, json, parquet)
 * @param separator document separator of the text format
 * @param tsvColumn zero-based column of the document in tsv lines
 * @param filterField field whose value selects records; empty keeps every record
 * @param filterValues the values of {@code filterField} to keep
 */
public record SourceConfig(
    List<String> paths,
    SourceFormat format,
    String textField,
    String separator,
    int tsvColumn,
    String filterField,
    List<String> filterValues) {
  static final String PREFIX = "dataset.source.";
  static final Check<String> PATH_CHECK = Check.nonEmpty();
  static final Check<String> NON_EMPTY = Check.nonEmpty();
  static final Check<Long> COLUMN_CHECK = Check.between(0, Integer.MAX_VALUE);
  static final String FILTER_NEEDS_VALUES =
      "needs at least one value in " + PREFIX + "filter.values (an empty field keeps every record)";

  public SourceConfig {
    paths = List.copyOf(Objects.requireNonNull(paths, "paths"));
    paths.forEach(p -> PATH_CHECK.require(PREFIX + "paths", p));
    Objects.requireNonNull(format, "format");
    NON_EMPTY.require(PREFIX + "text-field", Objects.requireNonNull(textField, "textField"));
    NON_EMPTY.require(PREFIX + "separator", Objects.requireNonNull(separator, "separator"));
    COLUMN_CHECK.require(PREFIX + "tsv-column", (long) tsvColumn);
    Objects.requireNonNull(filterField, "filterField");
    filterValues = List.copyOf(Objects.requireNonNull(filterValues, "filterValues"));
    if (!filterField.isEmpty() && filterValues.isEmpty()) {
      new Check<String>(FILTER_NEEDS_VALUES, v -> false)
          .require(PREFIX + "filter.field", filterField);
    }
  }

  /** The {@code dataset.source} section of {@code config}, layered on reference.conf. */
  public static SourceConfig fromConfig(Config config) {
    return from(Settings.withReference(config));
  }

  /** The {@code dataset.source} section, read through {@code settings}. */
  public static SourceConfig from(Settings settings) {
    List<String> paths = settings.stringOrList(PREFIX + "paths", PATH_CHECK);
    SourceFormat format = settings.choice(PREFIX + "format", SourceFormat.class);
    String textField = settings.string(PREFIX + "text-field", NON_EMPTY);
    String separator = settings.string(PREFIX + "separator", NON_EMPTY);
    int tsvColumn = settings.intValue(PREFIX + "tsv-column", COLUMN_CHECK);
    String filterField = settings.string(PREFIX + "filter.field");
    List<String> filterValues = settings.stringList(PREFIX + "filter.values", Check.any());
    if (!filterField.isEmpty() && filterValues.isEmpty()) {
      throw settings.invalid(PREFIX + "filter.field", FILTER_NEEDS_VALUES);
    }
    return new SourceConfig(
        paths, format, textField, separator, tsvColumn, filterField, filterValues);
  }

  /** Whether records are filtered by {@link #filterField()}. */
  public boolean filtered() {
    return !filterField.isEmpty();
  }
}
