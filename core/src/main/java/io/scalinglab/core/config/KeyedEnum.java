package io.scalinglab.core.config;

import io.scalinglab.core.error.ConfigException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * An enum whose constants are written in config files by a lower-case key ({@code nanogpt-bin})
 * rather than by their Java name.
 */
public interface KeyedEnum {

  /** The spelling used in config files. */
  String key();

  /**
   * The constant of {@code type} whose key or Java name equals {@code text}, ignoring case, so
   * {@code "nanogpt-bin"}, {@code "NANOGPT_BIN"} and {@code "NanoGPT-Bin"} all name the same one.
   */
  static <E extends Enum<E> & KeyedEnum> Optional<E> find(Class<E> type, String text) {
    String wanted = text.strip();
    for (E e : type.getEnumConstants()) {
      if (e.key().equalsIgnoreCase(wanted) || e.name().equalsIgnoreCase(wanted)) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  /** The rule an unknown spelling breaks: {@code must be one of a, b, c}. */
  static <E extends Enum<E> & KeyedEnum> String allowed(Class<E> type) {
    return "must be one of "
        + Arrays.stream(type.getEnumConstants())
            .map(KeyedEnum::key)
            .collect(Collectors.joining(", "));
  }

  /**
   * As {@link #find}, failing with a {@link ConfigException} that lists the allowed keys. For
   * values read from a config file prefer {@link Settings#choice}, whose message also names the key
   * and the file.
   */
  static <E extends Enum<E> & KeyedEnum> E parse(Class<E> type, String text) {
    return find(type, text)
        .orElseThrow(
            () ->
                new ConfigException(
                    "'"
                        + text
                        + "' is not a valid "
                        + type.getSimpleName().toLowerCase(Locale.ROOT)
                        + ": "
                        + allowed(type)));
  }
}
