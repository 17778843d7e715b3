package io.scalinglab.trainer.corpus;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.util.Objects;
import java.util.Set;

/**
 * Which fields of a JSON object (or Parquet row) hold the text and the optional filter, and how to
 * read one object with Jackson's streaming parser: only the two wanted values are materialised,
 * every other field is skipped, so The Stack's many columns cost little.
 *
 * @param text the field holding the document
 * @param filter the field a record must match, or null for no filter
 * @param values the accepted values of {@code filter} (compared with the value's JSON text)
 */
record JsonFields(String text, String filter, Set<String> values) {

  /**
   * Shared by all threads (Jackson factories are thread-safe). Source text is kept out of error
   * locations so a skip detail can never echo the record, and strings may be as long as a Java
   * string can be: a single source file in The Stack can exceed Jackson's 20M-character default.
   */
  static final JsonFactory FACTORY =
      JsonFactory.builder()
          .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
          .disable(StreamReadFeature.AUTO_CLOSE_SOURCE)
          .streamReadConstraints(
              StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE).build())
          .build();

  JsonFields {
    Objects.requireNonNull(text, "textField");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("textField is empty: name the field holding the text");
    }
    if (filter == null) {
      if (values != null && !values.isEmpty()) {
        throw new IllegalArgumentException(
            "filterValues " + values + " given without a filterField to compare them with");
      }
      values = Set.of();
    } else if (values == null || values.isEmpty()) {
      throw new IllegalArgumentException(
          "filterField '" + filter + "' needs at least one accepted value in filterValues");
    }
  }

  /**
   * Reads the object whose START_OBJECT the parser has just returned, through its END_OBJECT.
   * Duplicate keys: the last one wins, as in Python's {@code json.loads}.
   */
  Record readObject(JsonParser p) throws IOException {
    JsonToken textToken = null; // null: field absent
    String textValue = null;
    JsonToken filterToken = null;
    String filterValue = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if (name.equals(text)) {
        textToken = value;
        textValue = value == JsonToken.VALUE_STRING ? p.getText() : null;
      }
      if (name.equals(filter)) {
        filterToken = value;
        filterValue = value.isScalarValue() && value != JsonToken.VALUE_NULL ? p.getText() : null;
      }
      if (value.isStructStart()) {
        p.skipChildren();
      }
    }
    if (filter != null) {
      if (filterToken == null) {
        return new Skipped(SkipReason.FILTERED, "no field '" + filter + "'");
      }
      if (filterValue == null) {
        return new Skipped(SkipReason.FILTERED, "'" + filter + "' is " + describe(filterToken));
      }
      if (!values.contains(filterValue)) {
        return new Skipped(
            SkipReason.FILTERED, "'" + filter + "' is '" + Skipped.shorten(filterValue, 40) + "'");
      }
    }
    if (textToken == null) {
      return new Skipped(SkipReason.MISSING_FIELD, "no field '" + text + "'");
    }
    if (textToken == JsonToken.VALUE_NULL) {
      return new Skipped(SkipReason.MISSING_FIELD, "'" + text + "' is null");
    }
    if (textValue == null) {
      return new Skipped(SkipReason.NOT_TEXT, "'" + text + "' is " + describe(textToken));
    }
    if (textValue.isBlank()) {
      return new Skipped(SkipReason.EMPTY_DOCUMENT, "'" + text + "' is blank");
    }
    return new Document(textValue);
  }

  /** Reads a Parquet row's two values, with the same rules as {@link #readObject}. */
  Record readValues(Object textValue, Object filterValue) {
    if (filter != null) {
      if (filterValue == null) {
        return new Skipped(SkipReason.FILTERED, "'" + filter + "' is null");
      }
      if (!(filterValue instanceof String
          || filterValue instanceof Number
          || filterValue instanceof Boolean)) {
        return new Skipped(
            SkipReason.FILTERED, "'" + filter + "' is a " + filterValue.getClass().getSimpleName());
      }
      String s = filterValue.toString();
      if (!values.contains(s)) {
        return new Skipped(
            SkipReason.FILTERED, "'" + filter + "' is '" + Skipped.shorten(s, 40) + "'");
      }
    }
    if (textValue == null) {
      return new Skipped(SkipReason.MISSING_FIELD, "'" + text + "' is null");
    }
    if (!(textValue instanceof String s)) {
      return new Skipped(
          SkipReason.NOT_TEXT, "'" + text + "' is a " + textValue.getClass().getSimpleName());
    }
    if (s.isBlank()) {
      return new Skipped(SkipReason.EMPTY_DOCUMENT, "'" + text + "' is blank");
    }
    return new Document(s);
  }

  /**
   * Jackson's message without its location part, short: the skip detail or error message adds its
   * own position, and Jackson's "(start marker at [Source: ...])" only repeats it.
   */
  static String problem(JsonProcessingException e, int max) {
    String m = String.valueOf(e.getOriginalMessage());
    for (String cut : new String[] {"\n", " (start marker at", " at [Source"}) {
      int i = m.indexOf(cut);
      if (i > 0) {
        m = m.substring(0, i);
      }
    }
    return Skipped.shorten(m, max);
  }

  /** "a number", "an array", ...: what a JSON value is, for skip details. */
  static String describe(JsonToken t) {
    if (t == null) {
      return "nothing (end of input)";
    }
    return switch (t) {
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> t.name();
    };
  }
}
