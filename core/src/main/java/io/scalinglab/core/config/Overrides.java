package io.scalinglab.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.scalinglab.core.error.ConfigException;
import java.util.List;

/**
 * Command-line overrides, {@code --set key=value}, as a config layer. The value is read as a HOCON
 * value, so numbers, lists ({@code ["a","b"]}) and unquoted strings work; a plain value HOCON would
 * cut short ({@code hdfs:///x} holds a {@code //} comment and a {@code :}) is taken as the literal
 * text instead.
 */
final class Overrides {
  static final String FORM =
      "expected --set <key>=<HOCON value>, e.g. --set dataset.val-fraction=0.01,"
          + " --set dataset.tokenizer=byte or --set dataset.source.paths=[\"a\",\"b\"]";

  private Overrides() {}

  /** All overrides as one layer; a later override of the same key wins. */
  static Config parse(List<String> overrides) {
    Config layer = ConfigFactory.empty();
    for (String override : overrides) {
      layer = parseOne(override).withFallback(layer);
    }
    return layer;
  }

  /** One {@code key=value} (without the {@code --set} itself). */
  static Config parseOne(String text) {
    int eq = text.indexOf('=');
    if (eq < 0) {
      throw malformed(text, "there is no '=' between key and value");
    }
    String key = text.substring(0, eq).strip();
    String raw = text.substring(eq + 1).strip();
    if (key.isEmpty()) {
      throw malformed(text, "the key is empty");
    }
    try {
      ConfigUtil.splitPath(key);
    } catch (com.typesafe.config.ConfigException e) {
      throw malformed(text, "'" + key + "' is not a key path (quote keys holding dots or spaces)");
    }
    String origin = "--set " + text;
    if (raw.isEmpty()) {
      return literal(key, raw, origin);
    }
    // Text that opens a list, object, quoted string or substitution must parse as HOCON.
    boolean structured =
        raw.startsWith("[") || raw.startsWith("{") || raw.startsWith("\"") || raw.startsWith("$");
    ConfigParseOptions options =
        ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setOriginDescription(origin);
    Config parsed;
    try {
      parsed = ConfigFactory.parseString(key + " = " + raw, options);
    } catch (com.typesafe.config.ConfigException e) {
      if (structured) {
        throw malformed(
            text, "the value is not valid HOCON: " + stripOrigin(e.getMessage(), origin));
      }
      return literal(key, raw, origin);
    }
    if (structured || !parsed.isResolved() || !parsed.hasPath(key)) {
      return parsed;
    }
    ConfigValue value = parsed.getValue(key);
    if (value.valueType() == ConfigValueType.STRING && !raw.equals(value.unwrapped())) {
      return literal(key, raw, origin); // HOCON dropped a comment or reshaped the text
    }
    return parsed;
  }

  private static Config literal(String key, String raw, String origin) {
    return ConfigFactory.empty(origin).withValue(key, ConfigValueFactory.fromAnyRef(raw, origin));
  }

  private static String stripOrigin(String message, String origin) {
    String prefix = origin + ": 1: ";
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }

  private static ConfigException malformed(String text, String why) {
    return new ConfigException("malformed override --set " + text + ": " + why + "; " + FORM);
  }
}
