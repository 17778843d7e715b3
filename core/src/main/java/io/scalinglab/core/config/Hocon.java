package io.scalinglab.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigIncludeContext;
import com.typesafe.config.ConfigIncluder;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigParseable;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.scalinglab.core.error.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers over Typesafe Config: parsing files, resolving, and naming values in messages. */
final class Hocon {
  private Hocon() {}

  /** Parses one config file; its {@code include "..."} lines resolve against its own folder. */
  static Config parseFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException(
          "config file "
              + file
              + " does not exist (working directory "
              + Path.of("").toAbsolutePath()
              + "): check the path");
    }
    ConfigParseOptions options =
        ConfigParseOptions.defaults().setAllowMissing(false).setIncluder(new StrictIncluder(null));
    try {
      return ConfigFactory.parseFile(file.toFile(), options);
    } catch (com.typesafe.config.ConfigException | ConfigException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Resolves {@code ${...}} substitutions, failing with the file and line of a dangling one. */
  static Config resolve(Config config) {
    if (config.isResolved()) {
      return config;
    }
    try {
      return config.resolve();
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("cannot resolve config: " + e.getMessage(), e);
    }
  }

  /**
   * Where a value was set, as {@code file:line}, {@code reference.conf:line}, or {@code --set
   * key=value} for an override.
   */
  static String where(ConfigOrigin origin) {
    int line = origin.lineNumber();
    String suffix = line > 0 ? ":" + line : "";
    if (origin.filename() != null) {
      return Path.of(origin.filename()).normalize() + suffix;
    }
    if (origin.resource() != null) {
      return origin.resource() + suffix;
    }
    String description = origin.description();
    // Typesafe appends ": <line>" to descriptions of parsed strings; the override text is enough.
    String lineSuffix = ": " + line;
    if (line > 0 && description.endsWith(lineSuffix)) {
      return description.substring(0, description.length() - lineSuffix.length());
    }
    return description;
  }

  /** A value as a message quotes it: strings bare, everything else as compact HOCON/JSON. */
  static String render(ConfigValue value) {
    if (value.valueType() == ConfigValueType.STRING) {
      return (String) value.unwrapped();
    }
    return value.render(ConfigRenderOptions.concise());
  }

  /** {@code a string}, {@code a list}: the type of a value for "expected X, got Y" messages. */
  static String typeName(ConfigValueType type) {
    return switch (type) {
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case LIST -> "a list";
      case OBJECT -> "an object";
      case NULL -> "null";
    };
  }

  /**
   * An includer that fails on a missing {@code include "file"}: HOCON skips those silently, and a
   * misspelt dataset include would otherwise leave a sweep running on reference defaults.
   */
  private static final class StrictIncluder implements ConfigIncluder {
    private static final String[] EXTENSIONS = {"", ".conf", ".json", ".properties"};
    private final ConfigIncluder fallback;

    StrictIncluder(ConfigIncluder fallback) {
      this.fallback = fallback;
    }

    @Override
    public ConfigIncluder withFallback(ConfigIncluder other) {
      return other == fallback ? this : new StrictIncluder(other);
    }

    @Override
    public ConfigObject include(ConfigIncludeContext context, String what) {
      ConfigObject included = fallback.include(context, what);
      if (included.isEmpty() && !exists(context, what)) {
        throw new ConfigException(
            "include \""
                + what
                + "\" names no file: the path is taken relative to the including file's folder");
      }
      return included;
    }

    private static boolean exists(ConfigIncludeContext context, String what) {
      for (String extension : EXTENSIONS) {
        ConfigParseable parseable = context.relativeTo(what + extension);
        if (parseable == null) {
          continue;
        }
        try {
          parseable.parse(parseable.options().setAllowMissing(false));
          return true;
        } catch (com.typesafe.config.ConfigException.IO e) {
          // not there under this name; try the next extension
        }
      }
      return false;
    }
  }
}
