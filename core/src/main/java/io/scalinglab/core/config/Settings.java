package io.scalinglab.core.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import io.scalinglab.core.error.ConfigException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * A reader of typed values from a resolved {@link Config} that remembers what it read.
 *
 * <p>Every failure reads {@code '<value>' in <key> is invalid: <why> (<file>:<line>)}. Paths are
 * full dotted paths ({@code dataset.source.format}). Records build themselves through one {@code
 * Settings}, so {@link #pathsRead()} can be compared with the keys reference.conf declares, and
 * {@link #normalize(Config)} puts each value in as the record sees it (a single path as a
 * one-element list, {@code 1} as {@code 1.0} where a number is meant, an enum by its key) so that
 * equal settings render to equal JSON. Not thread-safe; use one per parse.
 */
public final class Settings {
  private final Config config;
  private final Set<String> read = new TreeSet<>();
  private final SortedMap<String, ConfigValue> normalized = new TreeMap<>();

  /** A reader over {@code config}, which must hold every key read (reference.conf included). */
  public Settings(Config config) {
    this.config = Hocon.resolve(Objects.requireNonNull(config, "config"));
  }

  /** A reader over {@code config} layered on scalinglab's reference.conf. */
  public static Settings withReference(Config config) {
    return new Settings(config.withFallback(ReferenceConfig.get().config()));
  }

  /** A string; numbers and booleans are taken as their text. */
  public String string(String path) {
    return string(path, Check.any());
  }

  /** A string that passes {@code check}. */
  public String string(String path, Check<String> check) {
    ConfigValue value = value(path);
    String text = text(path, value);
    return keep(path, value, checked(path, value, text, check));
  }

  /** A whole number that passes {@code check}; {@code 5e7} counts as whole. */
  public long integer(String path, Check<Long> check) {
    ConfigValue value = value(path);
    return keep(path, value, checked(path, value, whole(path, value), check));
  }

  /** As {@link #integer}, also within the range of {@code int}. */
  public int intValue(String path, Check<Long> check) {
    ConfigValue value = value(path);
    long n = checked(path, value, whole(path, value), check);
    long bounded = checked(path, value, n, Check.between(Integer.MIN_VALUE, Integer.MAX_VALUE));
    return keep(path, value, (int) bounded);
  }

  /** A finite number that passes {@code check}. */
  public double number(String path, Check<Double> check) {
    ConfigValue value = value(path);
    return keep(path, value, checked(path, value, decimal(path, value), check));
  }

  /** A boolean; the strings HOCON converts ({@code "yes"}, {@code "off"}, ...) are accepted. */
  public boolean bool(String path) {
    ConfigValue value = value(path);
    return keep(path, value, flag(path, value));
  }

  /** A list of strings (numbers and booleans taken as their text). */
  public List<String> stringList(String path, Check<String> each) {
    return list(path, false, (key, v) -> checked(key, v, text(key, v), each));
  }

  /** A list of strings, or one string taken as a list of one. */
  public List<String> stringOrList(String path, Check<String> each) {
    return list(path, true, (key, v) -> checked(key, v, text(key, v), each));
  }

  /** A list of whole numbers, each passing {@code each}. */
  public List<Long> integerList(String path, Check<Long> each) {
    return list(path, false, (key, v) -> checked(key, v, whole(key, v), each));
  }

  /** A list of finite numbers, each passing {@code each}. */
  public List<Double> numberList(String path, Check<Double> each) {
    return list(path, false, (key, v) -> checked(key, v, decimal(key, v), each));
  }

  /** One of the constants of {@code type}, written by its key; the message lists the keys. */
  public <E extends Enum<E> & KeyedEnum> E choice(String path, Class<E> type) {
    ConfigValue value = value(path);
    String text = text(path, value);
    E choice =
        KeyedEnum.find(type, text).orElseThrow(() -> fail(path, value, KeyedEnum.allowed(type)));
    keep(path, value, choice.key());
    return choice;
  }

  /**
   * A free-form map of string settings (an empty object in reference.conf). Nested objects are
   * flattened to dotted keys, so {@code spark.executor.memory = 4g} written unquoted means the same
   * as {@code "spark.executor.memory" = 4g}; values may be strings, numbers or booleans.
   */
  public Map<String, String> openMap(String path) {
    ConfigValue value = value(path);
    if (!(value instanceof ConfigObject object)) {
      throw fail(path, value, "expected an object of settings, got " + typeOf(value));
    }
    SortedMap<String, String> map = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e : object.toConfig().entrySet()) {
      List<String> keys = ConfigUtil.splitPath(e.getKey());
      String key = String.join(".", keys);
      String full = path + "." + ConfigUtil.joinPath(key);
      ConfigValue v = e.getValue();
      if (v.valueType() == ConfigValueType.LIST) {
        throw fail(full, v, "must be a string, number or boolean, not a list");
      }
      if (map.put(key, text(full, v)) != null) {
        throw fail(full, v, "is set twice, once quoted and once as nested keys; keep one");
      }
    }
    return keep(path, value, Collections.unmodifiableSortedMap(map));
  }

  /**
   * A list of objects of plain values, each flattened to dotted keys with its values as text, e.g.
   * a sweep's model family. Each object's keys must be leaf keys of {@code allowedSection} in
   * reference.conf; an unknown key fails naming the closest allowed one.
   */
  public List<Map<String, String>> objectList(String path, String allowedSection) {
    ConfigValue value = value(path);
    if (!(value instanceof ConfigList items)) {
      throw fail(path, value, "expected a list of objects ([{...}, ...]), got " + typeOf(value));
    }
    ReferenceConfig reference = ReferenceConfig.get();
    List<String> allowed = new ArrayList<>();
    for (String leaf : reference.leafPaths(allowedSection)) {
      allowed.add(leaf.substring(allowedSection.length() + 1));
    }
    List<Map<String, String>> result = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      String itemPath = path + "[" + i + "]";
      if (!(items.get(i) instanceof ConfigObject object)) {
        throw fail(itemPath, items.get(i), "expected an object of " + allowedSection + " keys");
      }
      SortedMap<String, String> map = new TreeMap<>();
      for (Map.Entry<String, ConfigValue> e : object.toConfig().entrySet()) {
        String key = String.join(".", ConfigUtil.splitPath(e.getKey()));
        if (!allowed.contains(key)) {
          String best = Closest.nearest(key, allowed).name();
          throw fail(
              itemPath + "." + key,
              e.getValue(),
              "not a key of the "
                  + allowedSection
                  + " section; the closest is "
                  + best
                  + " (allowed: "
                  + String.join(", ", allowed)
                  + ")");
        }
        map.put(key, text(itemPath + "." + key, e.getValue()));
      }
      result.add(Collections.unmodifiableSortedMap(map));
    }
    return keep(path, value, List.copyOf(result));
  }

  /** The paths read so far, sorted. */
  public Set<String> pathsRead() {
    return Collections.unmodifiableSet(read);
  }

  /**
   * {@code base} with each value read so far replaced by the form the records see (keeping its
   * origin): replaced, not merged, so a flattened open map does not keep its nested spelling too.
   */
  public Config normalize(Config base) {
    Config result = base;
    for (Map.Entry<String, ConfigValue> e : normalized.entrySet()) {
      result = result.withValue(e.getKey(), e.getValue());
    }
    return result;
  }

  /**
   * A failure for a value that passed its own checks but not one across keys, in the usual form:
   * {@code '<value>' in <path> is invalid: <why> (<file>:<line>)}.
   */
  public ConfigException invalid(String path, String why) {
    return fail(path, value(path), why);
  }

  /** {@code '<value>' in <key> is invalid: <why> (<where>)}; {@code where} may be null. */
  public static String invalid(String value, String key, String why, String where) {
    return "'"
        + value
        + "' in "
        + key
        + " is invalid: "
        + why
        + (where == null ? "" : " (" + where + ")");
  }

  /** The raw value at {@code path}; fails naming the path if it is missing, null or misplaced. */
  private ConfigValue value(String path) {
    read.add(path);
    List<String> keys = ConfigUtil.splitPath(path);
    ConfigValue current = config.root();
    for (int i = 0; i < keys.size(); i++) {
      if (!(current instanceof ConfigObject object)) {
        String parent = ConfigUtil.joinPath(keys.subList(0, i));
        throw fail(
            parent, current, "must be an object holding " + path + ", not " + typeOf(current));
      }
      current = object.get(keys.get(i));
      if (current == null) {
        throw new ConfigException(
            path + " has no value: set it, or declare its default in reference.conf");
      }
    }
    if (current.valueType() == ConfigValueType.NULL) {
      throw fail(path, current, "a value is required");
    }
    return current;
  }

  private <T> List<T> list(
      String path, boolean singleAllowed, BiFunction<String, ConfigValue, T> element) {
    ConfigValue value = value(path);
    List<T> result = new ArrayList<>();
    if (value.valueType() == ConfigValueType.LIST) {
      ConfigList items = (ConfigList) value;
      for (int i = 0; i < items.size(); i++) {
        result.add(element.apply(path + "[" + i + "]", items.get(i)));
      }
    } else if (singleAllowed && value.valueType() != ConfigValueType.OBJECT) {
      result.add(element.apply(path, value));
    } else {
      throw fail(path, value, "expected a list, got " + typeOf(value));
    }
    return keep(path, value, List.copyOf(result));
  }

  private String text(String key, ConfigValue value) {
    return switch (value.valueType()) {
      case STRING, NUMBER, BOOLEAN -> String.valueOf(value.unwrapped());
      default -> throw fail(key, value, "expected a string, got " + typeOf(value));
    };
  }

  private long whole(String key, ConfigValue value) {
    BigDecimal n = numeric(key, value, "a whole number");
    if (n.stripTrailingZeros().scale() > 0) {
      throw fail(key, value, "must be a whole number");
    }
    try {
      return n.longValueExact();
    } catch (ArithmeticException e) {
      throw fail(key, value, "must be within the range of a 64-bit integer");
    }
  }

  private double decimal(String key, ConfigValue value) {
    double d = numeric(key, value, "a number").doubleValue();
    if (!Double.isFinite(d)) {
      throw fail(key, value, "must be a finite number");
    }
    return d;
  }

  /** A number, or a string HOCON would convert to one (as environment substitutions give). */
  private BigDecimal numeric(String key, ConfigValue value, String expected) {
    Object raw = value.unwrapped();
    if (value.valueType() == ConfigValueType.NUMBER) {
      return raw instanceof Double d
          ? BigDecimal.valueOf(d)
          : BigDecimal.valueOf(((Number) raw).longValue());
    }
    if (value.valueType() == ConfigValueType.STRING) {
      try {
        return new BigDecimal(((String) raw).strip());
      } catch (NumberFormatException e) {
        // not numeric text: reported below as a wrong type
      }
    }
    throw fail(key, value, "expected " + expected + ", got " + typeOf(value));
  }

  private boolean flag(String key, ConfigValue value) {
    if (value.valueType() == ConfigValueType.BOOLEAN) {
      return (Boolean) value.unwrapped();
    }
    if (value.valueType() == ConfigValueType.STRING) {
      switch (((String) value.unwrapped()).strip().toLowerCase(java.util.Locale.ROOT)) {
        case "true", "yes", "on":
          return true;
        case "false", "no", "off":
          return false;
        default:
          break;
      }
    }
    throw fail(key, value, "expected true or false, got " + typeOf(value));
  }

  private <T> T checked(String key, ConfigValue value, T parsed, Check<? super T> check) {
    if (!check.allows(parsed)) {
      throw fail(key, value, check.rule());
    }
    return parsed;
  }

  private <T> T keep(String path, ConfigValue value, T parsed) {
    normalized.put(path, ConfigValueFactory.fromAnyRef(parsed).withOrigin(value.origin()));
    return parsed;
  }

  private static String typeOf(ConfigValue value) {
    return Hocon.typeName(value.valueType());
  }

  private static ConfigException fail(String key, ConfigValue value, String why) {
    return new ConfigException(invalid(Hocon.render(value), key, why, Hocon.where(value.origin())));
  }
}
