package io.scalinglab.core.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.config.SparkSettings;
import io.scalinglab.core.error.ConfigException;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {
  @AfterEach
  void clearSubmitSettings() {
    System.clearProperty("spark.master");
    System.clearProperty("spark.sql.shuffle.partitions");
    System.clearProperty("spark.hadoop.from.submit");
    System.clearProperty("spark.submit.deployMode");
  }

  @Test
  void localMasterGetsOneMachineDefaults() {
    SparkConf c =
        SparkSessions.sparkConf(new SparkSettings("local[2]", "t", "127.0.0.1", Map.of()));
    assertEquals("local[2]", c.get("spark.master"));
    assertEquals("t", c.get("spark.app.name"));
    String ip = System.getenv("SPARK_LOCAL_IP");
    assertEquals(ip == null || ip.isBlank() ? "127.0.0.1" : ip, c.get("spark.driver.host"));
    assertEquals(
        Integer.toString(Math.max(4, 2 * Runtime.getRuntime().availableProcessors())),
        c.get("spark.sql.shuffle.partitions"));
  }

  @Test
  void configConfBeatsDefaultsAndSubmitBeatsConfig() {
    SparkSettings s =
        new SparkSettings(
            "local[*]", "t", "127.0.0.1", Map.of("spark.sql.shuffle.partitions", "7"));
    assertEquals("7", SparkSessions.sparkConf(s).get("spark.sql.shuffle.partitions"));

    System.setProperty("spark.sql.shuffle.partitions", "11"); // as spark-submit --conf sets it
    System.setProperty("spark.master", "spark://cluster:7077");
    SparkConf c = SparkSessions.sparkConf(s);
    assertEquals("11", c.get("spark.sql.shuffle.partitions"));
    assertEquals("spark://cluster:7077", c.get("spark.master"));
  }

  @Test
  void clusterMasterGetsNoLocalDefaults() {
    SparkConf c = SparkSessions.sparkConf(new SparkSettings("yarn", "t", "127.0.0.1", Map.of()));
    assertFalse(c.contains("spark.driver.host"));
    assertFalse(c.contains("spark.sql.shuffle.partitions"));
  }

  @Test
  void theHadoopConfigurationHoldsSparkHadoopSettingsOfTheConfigAndOfSpark() {
    SparkSettings s =
        new SparkSettings(
            "local[*]", "t", "127.0.0.1", Map.of("spark.hadoop.from.config", "config"));
    System.setProperty("spark.hadoop.from.submit", "submit"); // as spark-submit --conf sets it
    org.apache.hadoop.conf.Configuration c = SparkSessions.hadoopConfiguration(s);
    assertEquals("config", c.get("from.config"));
    assertEquals("submit", c.get("from.submit"));
  }

  @Test
  void aClusterMasterOutsideSparkSubmitFailsWithWhatToRun() {
    SparkConf yarn = SparkSessions.sparkConf(new SparkSettings("yarn", "t", "", Map.of()));
    ConfigException e =
        assertThrows(ConfigException.class, () -> SparkSessions.requireSubmitted(yarn));
    assertTrue(e.getMessage().startsWith("'yarn' in spark.master is invalid here"), e.getMessage());
    assertTrue(e.getMessage().contains("--master yarn"), e.getMessage());
    assertFalse(e.getMessage().contains("\n"), e.getMessage());

    SparkSessions.requireSubmitted(yarn.clone().set("spark.submit.deployMode", "cluster"));
    // a driver that ships its own jar (bench id --master) reaches the executors without it
    SparkSessions.requireSubmitted(yarn.clone().set("spark.jars", "/opt/scalinglab-cli.jar"));
    SparkSessions.requireSubmitted(
        SparkSessions.sparkConf(new SparkSettings("local[2]", "t", "", Map.of())));
  }
}
