package io.scalinglab.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import io.scalinglab.core.error.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code --set key=value}: the value is HOCON, and a malformed override names itself. */
class OverridesTest {

  private static Object value(String override, String key) {
    Config layer = Overrides.parseOne(override);
    return layer.getValue(key).unwrapped();
  }

  @Test
  void listValue() {
    assertEquals(
        List.of("a", "b"), value("dataset.source.paths=[\"a\",\"b\"]", "dataset.source.paths"));
    assertEquals(List.of("a", "b"), value("dataset.source.paths=[a, b]", "dataset.source.paths"));
  }

  @Test
  void numberAndBooleanValues() {
    assertEquals(42, value("dataset.seed=42", "dataset.seed"));
    assertEquals(0.01, value("dataset.val-fraction=0.01", "dataset.val-fraction"));
    assertEquals(
        true, value("spark.conf.\"spark.ui.enabled\"=true", "spark.conf.\"spark.ui.enabled\""));
  }

  @Test
  void stringValues() {
    assertEquals("byte", value("dataset.tokenizer=byte", "dataset.tokenizer"));
    assertEquals("a b", value("dataset.name = a b", "dataset.name"));
    assertEquals(
        "<|endoftext|>",
        value("dataset.source.separator=\"<|endoftext|>\"", "dataset.source.separator"));
    assertEquals("", value("store.root=", "store.root"));
    assertEquals("a=b", value("dataset.name=a=b", "dataset.name"));
  }

  @Test
  void textHoconWouldCutShortIsTakenLiterally() {
    assertEquals(
        "hdfs://nn:8020/scalinglab", value("store.root=hdfs://nn:8020/scalinglab", "store.root"));
    assertEquals("file:///tmp/x", value("store.root=file:///tmp/x", "store.root"));
    assertEquals("a#b", value("dataset.name=a#b", "dataset.name"));
    assertEquals(
        List.of("hdfs:///a", "hdfs:///b"),
        value("dataset.source.paths=[\"hdfs:///a\",\"hdfs:///b\"]", "dataset.source.paths"));
  }

  @Test
  void overrideReachesTheRecords() {
    ScalinglabConfig config =
        ConfigFiles.overrides(
            "dataset.source.paths=[\"a.txt\",\"b.txt\"]",
            "dataset.seed=7",
            "store.root=hdfs://nn:8020/s",
            "dataset.tokenizer=byte");
    assertEquals(List.of("a.txt", "b.txt"), config.dataset().source().paths());
    assertEquals(7, config.dataset().seed());
    assertEquals("hdfs://nn:8020/s", config.store().root());
    assertEquals(TokenizerName.BYTE, config.dataset().tokenizer());
  }

  @Test
  void malformedOverridesNameTheTextAndTheForm() {
    for (String bad :
        List.of("dataset.seed", "=5", "dataset..seed=5", "dataset.source.paths=[\"a\",", "a={")) {
      ConfigException e = assertThrows(ConfigException.class, () -> Overrides.parseOne(bad), bad);
      assertTrue(
          e.getMessage().startsWith("malformed override --set " + bad + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(Overrides.FORM), e.getMessage());
    }
  }

  @Test
  void malformedOverrideMessage() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> Overrides.parseOne("dataset.seed 5"));
    assertEquals(
        "malformed override --set dataset.seed 5: there is no '=' between key and value;"
            + " expected --set <key>=<HOCON value>, e.g. --set dataset.val-fraction=0.01,"
            + " --set dataset.tokenizer=byte or --set dataset.source.paths=[\"a\",\"b\"]",
        e.getMessage());
  }
}
