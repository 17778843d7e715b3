package io.scalinglab.core.spark;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.SparkSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the Spark session every scalinglab job runs in.
 *
 * <p>Precedence, highest first: settings given to {@code spark-submit} (they arrive as {@code
 * spark.*} system properties), then the config's {@code spark.conf} block, then the config's {@code
 * spark.master}, then the local defaults of {@link #localDefaults}. A job started by spark-submit
 * therefore runs on the cluster it was submitted to, and a job started by {@code bin/scalinglab}
 * runs in local mode on every core of the machine.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /** Returns the active session or creates one from {@code settings}. */
  public static SparkSession getOrCreate(SparkSettings settings) {
    return SparkSession.builder().config(sparkConf(settings)).getOrCreate();
  }

  /** The Spark configuration a session would be created with, resolved as the class doc says. */
  public static SparkConf sparkConf(SparkSettings settings) {
    requireNonNull(settings, "settings");
    SparkConf conf = new SparkConf(true); // loads spark.* system properties (spark-submit)
    conf.setIfMissing("spark.master", settings.master());
    conf.setIfMissing("spark.app.name", settings.appName());
    for (Map.Entry<String, String> e : settings.conf().entrySet()) {
      conf.setIfMissing(e.getKey(), e.getValue());
    }
    String master = conf.get("spark.master");
    if (master.startsWith("local")) {
      for (Map.Entry<String, String> e : localDefaults(settings.localIp()).entrySet()) {
        conf.setIfMissing(e.getKey(), e.getValue());
      }
    }
    return conf;
  }

  /**
   * Defaults for a local master on one machine. The driver binds to {@code localIp} unless
   * SPARK_LOCAL_IP is set, because a machine whose host name does not resolve (containers, CI)
   * otherwise fails at start; shuffles use a few partitions instead of Spark's 200, which only add
   * task overhead on a few cores.
   */
  static Map<String, String> localDefaults(String localIp) {
    Map<String, String> d = new LinkedHashMap<>();
    String envIp = System.getenv("SPARK_LOCAL_IP");
    String ip = envIp != null && !envIp.isBlank() ? envIp : localIp;
    if (ip != null && !ip.isBlank()) {
      d.put("spark.driver.bindAddress", ip);
      d.put("spark.driver.host", ip);
    }
    int cores = Runtime.getRuntime().availableProcessors();
    d.put("spark.sql.shuffle.partitions", Integer.toString(Math.max(4, 2 * cores)));
    d.put("spark.ui.showConsoleProgress", "false");
    return d;
  }
}
