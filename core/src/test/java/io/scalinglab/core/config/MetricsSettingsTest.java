package io.scalinglab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.scalinglab.core.error.ConfigException;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class MetricsSettingsTest {

  private static String failure(String hocon) {
    return assertThrows(
            ConfigException.class,
            () -> MetricsSettings.fromConfig(ConfigFactory.parseString(hocon)))
        .getMessage();
  }

  @Test
  void recordReadsExactlyTheLeafPathsOfItsSection() {
    Settings s = Settings.withReference(ConfigFactory.empty());
    MetricsSettings.from(s);
    assertEquals(
        new TreeSet<>(ReferenceConfig.get().leafPaths("metrics")), new TreeSet<>(s.pathsRead()));
  }

  @Test
  void defaultsServeNothingAndPushNothing() {
    MetricsSettings m = MetricsSettings.fromConfig(ConfigFactory.empty());
    assertEquals(new MetricsSettings(0, "0.0.0.0", "", "scalinglab"), m);
    assertFalse(m.serves());
    assertFalse(m.pushes());
  }

  @Test
  void readsAPortAndAPushgateway() {
    MetricsSettings m =
        MetricsSettings.fromConfig(
            ConfigFactory.parseString(
                "metrics { port = 9400, host = \"127.0.0.1\","
                    + " pushgateway = \"https://pushgateway:9091/prefix\", push-job = train }"));
    assertEquals(
        new MetricsSettings(9400, "127.0.0.1", "https://pushgateway:9091/prefix", "train"), m);
    assertTrue(m.serves());
    assertTrue(m.pushes());
  }

  @Test
  void badValuesNameKeyValueAndRule() {
    assertTrue(
        failure("metrics.port = 70000")
            .startsWith("'70000' in metrics.port is invalid: must be in [0, 65535]"),
        failure("metrics.port = 70000"));
    assertTrue(
        failure("metrics.port = -1").startsWith("'-1' in metrics.port is invalid"),
        failure("metrics.port = -1"));
    for (String url : new String[] {"pushgateway:9091", "ftp://host:21", "http://", "http://h?q"}) {
      String message = failure("metrics.pushgateway = \"" + url + "\"");
      assertTrue(
          message.startsWith(
              "'" + url + "' in metrics.pushgateway is invalid: must be empty or an http(s) URL"),
          message);
    }
    assertTrue(
        failure("metrics.push-job = \"\"").startsWith("'' in metrics.push-job is invalid"),
        failure("metrics.push-job = \"\""));
  }

  @Test
  void recordsBuiltInCodeAreCheckedToo() {
    ConfigException e =
        assertThrows(
            ConfigException.class, () -> new MetricsSettings(65536, "0.0.0.0", "", "scalinglab"));
    assertEquals("'65536' in metrics.port is invalid: must be in [0, 65535]", e.getMessage());
  }
}
