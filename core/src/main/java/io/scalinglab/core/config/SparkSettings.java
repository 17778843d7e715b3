package io.scalinglab.core.config;

import com.typesafe.config.Config;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How a job sets up its Spark session ({@code spark} in reference.conf).
 *
 * @param master Spark master used when spark-submit gives none ({@code local[*]})
 * @param appName application name in the Spark UI and event log
 * @param localIp address Spark binds to for local masters; empty leaves Spark's choice
 * @param conf further Spark settings, passed through as they are, sorted by key
 */
public record SparkSettings(
    String master, String appName, String localIp, Map<String, String> conf) {
  static final String MASTER = "spark.master";
  static final String APP_NAME = "spark.app-name";
  static final String LOCAL_IP = "spark.local-ip";
  static final String CONF = "spark.conf";
  static final Check<String> NON_EMPTY = Check.nonEmpty();

  public SparkSettings {
    NON_EMPTY.require(MASTER, Objects.requireNonNull(master, "master"));
    NON_EMPTY.require(APP_NAME, Objects.requireNonNull(appName, "appName"));
    Objects.requireNonNull(localIp, "localIp");
    // a sorted copy: the session is set up in the same order on every run
    conf = Collections.unmodifiableSortedMap(new TreeMap<>(Objects.requireNonNull(conf, "conf")));
    conf.forEach(
        (k, v) -> {
          Objects.requireNonNull(v, () -> CONF + " value of " + k);
          NON_EMPTY.require(CONF + " key", k);
        });
  }

  /** The {@code spark} section of {@code config}, layered on reference.conf. */
  public static SparkSettings fromConfig(Config config) {
    return from(Settings.withReference(config));
  }

  /** The {@code spark} section, read through {@code settings}. */
  public static SparkSettings from(Settings settings) {
    return new SparkSettings(
        settings.string(MASTER, NON_EMPTY),
        settings.string(APP_NAME, NON_EMPTY),
        settings.string(LOCAL_IP),
        settings.openMap(CONF));
  }
}
