package io.scalinglab.trainer.corpus;

import java.util.Locale;

/** Why a corpus record yields no document. */
public enum SkipReason {
  /** The record is not well-formed JSON, or not a JSON object. */
  INVALID_JSON,
  /** The text field (or TSV column) is absent or JSON {@code null}. */
  MISSING_FIELD,
  /** The text field holds something other than a string (a number, an object, ...). */
  NOT_TEXT,
  /** The record's bytes are not well-formed UTF-8. */
  INVALID_UTF8,
  /** The text is empty or only whitespace. */
  EMPTY_DOCUMENT,
  /** The record is fine but its filter field does not hold one of the wanted values. */
  FILTERED;

  /** The stable kebab-case name used in skip reports and metrics, e.g. {@code invalid-json}. */
  public String key() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether the record is damaged; false only for {@link #FILTERED}, which is a choice. */
  public boolean corrupt() {
    return this != FILTERED;
  }
}
