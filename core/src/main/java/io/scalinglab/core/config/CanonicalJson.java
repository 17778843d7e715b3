package io.scalinglab.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.typesafe.config.ConfigValue;

/**
 * Config values as JSON with object keys sorted at every level, so the same settings always give
 * the same text whatever order the files wrote them in: the basis of ids that hash a section.
 */
final class CanonicalJson {
  private static final ObjectMapper MAPPER =
      io.scalinglab.core.store.Json.MAPPER
          .copy()
          .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
  private static final ObjectWriter COMPACT = MAPPER.writer();
  // "\n" rather than the platform line separator, so the text is the same on every machine.
  private static final ObjectWriter PRETTY =
      MAPPER.writer(
          new DefaultPrettyPrinter()
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n")));

  private CanonicalJson() {}

  /** One line, no spaces. */
  static String compact(ConfigValue value) {
    return write(COMPACT, value);
  }

  /** Indented by two spaces, lines ending in {@code \n}. */
  static String pretty(ConfigValue value) {
    return write(PRETTY, value);
  }

  private static String write(ObjectWriter writer, ConfigValue value) {
    try {
      return writer.writeValueAsString(value.unwrapped());
    } catch (JsonProcessingException e) {
      // unwrapped config values are maps, lists, strings, numbers, booleans and nulls only
      throw new IllegalStateException("config value not writable as JSON: " + value, e);
    }
  }
}
