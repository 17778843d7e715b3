package io.scalinglab.core.spark;

import static java.util.Objects.requireNonNull;

import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.error.ConfigException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the Spark session every scalinglab job runs in.
 *
 * <p>Precedence, highest first: settings given to {@code spark-submit} (they arrive as {@code
 * spark.*} system properties), then the config's {@code spark.conf} block, then the config's {@code
 * spark.master}, then the local defaults of {@link #localDefaults}. A job started by spark-submit
 * therefore runs on the cluster it was submitted to, and a job started by {@code bin/scalinglab}
 * runs in local mode on every core of the machine.
 *
 * <p>{@link #hadoopConfiguration} is the one place every job gets its Hadoop configuration from,
 * whether or not it starts Spark.
 */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * Returns the active session or creates one from {@code settings}.
   *
   * @throws ConfigException for a cluster master in a JVM that spark-submit did not start: the
   *     jobs' classes would not reach the executors, and Spark itself fails with a stack trace
   */
  public static SparkSession getOrCreate(SparkSettings settings) {
    SparkConf conf = sparkConf(settings);
    if (SparkSession.getDefaultSession().isEmpty()) {
      requireSubmitted(conf);
    }
    return SparkSession.builder().config(conf).getOrCreate();
  }

  /**
   * The Hadoop configuration a job opens the results store and reads its inputs with, the same for
   * prepare, sweep, id and analyze: the running Spark context's where there is one, else the one
   * Spark would build for {@code settings}, without starting Spark. Either way it holds the {@code
   * *-site.xml} files on the class path (spark-submit puts HADOOP_CONF_DIR there, and so does
   * {@code bin/scalinglab}), every {@code spark.hadoop.*} setting of spark-submit's {@code --conf}
   * and of the config's {@code spark.conf} block with the prefix taken off, and Spark's other
   * Hadoop defaults (S3 credentials from the environment, buffer sizes).
   */
  public static Configuration hadoopConfiguration(SparkSettings settings) {
    requireNonNull(settings, "settings");
    if (SparkSession.getDefaultSession().isDefined()) {
      // Spark built it from the same SparkConf, by the call below; tests may add to it.
      return SparkSession.getDefaultSession().get().sparkContext().hadoopConfiguration();
    }
    return SparkHadoopUtil.get().newConfiguration(sparkConf(settings));
  }

  /**
   * Whether this JVM is a driver in YARN's ApplicationMaster (spark-submit's cluster deploy mode on
   * YARN), which expects the main class to start a Spark context and to return rather than exit.
   */
  public static boolean yarnClusterDriver() {
    return "cluster".equals(System.getProperty("spark.submit.deployMode"))
        && System.getProperty("spark.master", "").startsWith("yarn");
  }

  /**
   * Fails, naming what to run instead, when {@code conf}'s master is a cluster (not {@code local}),
   * spark-submit (which sets {@code spark.submit.deployMode}) did not start this JVM and nothing
   * ships the code to the executors ({@code spark.jars}, as {@code bench id --master} sets to its
   * own jar, or {@code spark.executor.extraClassPath}, as {@code bench data-parallel} sets to this
   * JVM's class path for the cluster it starts on this machine).
   */
  static void requireSubmitted(SparkConf conf) {
    String master = conf.get("spark.master", "local[*]");
    if (master.startsWith("local")
        || conf.contains("spark.submit.deployMode")
        || !conf.get("spark.jars", "").isBlank()
        || !conf.get("spark.executor.extraClassPath", "").isBlank()) {
      return;
    }
    throw new ConfigException(
        "'"
            + master
            + "' in spark.master is invalid here: this JVM runs local Spark only (local[*],"
            + " local[N]); a cluster master needs spark-submit: pass --master "
            + master
            + " to bin/scalinglab, which submits through it, or use deploy/submit");
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
