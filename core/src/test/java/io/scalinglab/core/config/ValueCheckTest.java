package io.scalinglab.core.config;

import static io.scalinglab.core.config.ConfigFiles.load;
import static io.scalinglab.core.config.ConfigFiles.overrides;
import static io.scalinglab.core.config.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.error.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad values fail as {@code '<value>' in <key> is invalid: <why> (<file>:<line>)}. */
class ValueCheckTest {
  @TempDir Path dir;

  private String failure(String... overrides) {
    return assertThrows(ConfigException.class, () -> overrides(overrides)).getMessage();
  }

  @Test
  void wrongTypeInFileNamesFileAndLine() {
    Path file = write(dir, "a.conf", "dataset {", "  val-fraction = abc", "}");
    ConfigException e = assertThrows(ConfigException.class, () -> load(List.of(file)));
    assertEquals(
        "'abc' in dataset.val-fraction is invalid: expected a number, got a string ("
            + file
            + ":2)",
        e.getMessage());
  }

  @Test
  void wrongTypes() {
    assertEquals(
        "'[1,2]' in dataset.seed is invalid: expected a whole number, got a list"
            + " (--set dataset.seed=[1,2])",
        failure("dataset.seed=[1,2]"));
    assertEquals(
        "'{\"a\":1}' in dataset.name is invalid: expected a string, got an object"
            + " (--set dataset.name={a=1})",
        failure("dataset.name={a=1}"));
    assertEquals(
        "'2.5' in dataset.partitions is invalid: must be a whole number"
            + " (--set dataset.partitions=2.5)",
        failure("dataset.partitions=2.5"));
    assertEquals(
        "'x' in dataset.subsets.tokens[1] is invalid: expected a whole number, got a string"
            + " (--set dataset.subsets.tokens=[5,x])",
        failure("dataset.subsets.tokens=[5,x]"));
  }

  @Test
  void outOfRange() {
    assertEquals(
        "'1' in dataset.val-fraction is invalid: must be in (0, 1) (--set dataset.val-fraction=1)",
        failure("dataset.val-fraction=1"));
    assertEquals(
        "'0' in dataset.val-fraction is invalid: must be in (0, 1) (--set dataset.val-fraction=0)",
        failure("dataset.val-fraction=0"));
    assertEquals(
        "'1.5' in dataset.subsets.fractions[1] is invalid: must be in (0, 1]"
            + " (--set dataset.subsets.fractions=[0.5,1.5])",
        failure("dataset.subsets.fractions=[0.5,1.5]"));
    assertEquals(
        "'0' in dataset.subsets.tokens[0] is invalid: must be >= 1"
            + " (--set dataset.subsets.tokens=[0])",
        failure("dataset.subsets.tokens=[0]"));
    assertEquals(
        "'-0.1' in dataset.max-skipped-share is invalid: must be in [0, 1]"
            + " (--set dataset.max-skipped-share=-0.1)",
        failure("dataset.max-skipped-share=-0.1"));
    assertEquals(
        "'1000' in dataset.shard-tokens is invalid: must be >= 1024"
            + " (--set dataset.shard-tokens=1000)",
        failure("dataset.shard-tokens=1000"));
    assertEquals(
        "'-1' in dataset.partitions is invalid: must be in [0, 2147483647]"
            + " (--set dataset.partitions=-1)",
        failure("dataset.partitions=-1"));
    assertEquals(
        "'-2' in dataset.source.tsv-column is invalid: must be in [0, 2147483647]"
            + " (--set dataset.source.tsv-column=-2)",
        failure("dataset.source.tsv-column=-2"));
  }

  @Test
  void boundsThatAreAllowed() {
    ScalinglabConfig config =
        overrides(
            "dataset.subsets.fractions=[1]",
            "dataset.max-skipped-share=0",
            "dataset.shard-tokens=1024",
            "dataset.shard-tokens=5e7");
    assertEquals(List.of(1.0), config.dataset().subsetFractions());
    assertEquals(0.0, config.dataset().maxSkippedShare());
    assertEquals(50_000_000L, config.dataset().shardTokens());
  }

  @Test
  void notOneOfTheAllowedValues() {
    assertEquals(
        "'xml' in dataset.source.format is invalid: must be one of text, jsonl, json, parquet,"
            + " tsv, files, nanogpt-bin (--set dataset.source.format=xml)",
        failure("dataset.source.format=xml"));
    assertEquals(
        "'bpe' in dataset.tokenizer is invalid: must be one of gpt2, byte"
            + " (--set dataset.tokenizer=bpe)",
        failure("dataset.tokenizer=bpe"));
  }

  @Test
  void enumsAcceptKeyOrNameInAnyCase() {
    assertEquals(
        SourceFormat.NANOGPT_BIN,
        overrides("dataset.source.format=NANOGPT_BIN").dataset().source().format());
    assertEquals(TokenizerName.BYTE, overrides("dataset.tokenizer=Byte").dataset().tokenizer());
  }

  @Test
  void nameAndStrings() {
    assertEquals(
        "'my data' in dataset.name is invalid: must match [A-Za-z0-9._-]+ (letters, digits, '.',"
            + " '_' and '-') (--set dataset.name=my data)",
        failure("dataset.name=my data"));
    assertEquals(
        "'' in store.root is invalid: must not be empty (--set store.root=)",
        failure("store.root="));
    assertEquals(
        "'' in dataset.source.separator is invalid: must not be empty"
            + " (--set dataset.source.separator=\"\")",
        failure("dataset.source.separator=\"\""));
    assertEquals(
        "'' in dataset.source.text-field is invalid: must not be empty"
            + " (--set dataset.source.text-field=)",
        failure("dataset.source.text-field="));
    assertEquals("2024", overrides("dataset.name=2024").dataset().name());
  }

  @Test
  void nullIsNotAValue() {
    assertEquals(
        "'null' in dataset.seed is invalid: a value is required (--set dataset.seed=null)",
        failure("dataset.seed=null"));
  }

  @Test
  void numericStringsConvertAsHoconSays() {
    // environment substitutions always give strings
    assertEquals(42, overrides("dataset.seed=\"42\"").dataset().seed());
  }

  @Test
  void pathsAreAStringOrAList() {
    assertEquals(
        List.of("hdfs:///a.txt"),
        overrides("dataset.source.paths=\"hdfs:///a.txt\"").dataset().source().paths());
    assertEquals(
        List.of("a", "b"),
        overrides("dataset.source.paths=[\"a\",\"b\"]").dataset().source().paths());
    assertEquals(List.of(), overrides("dataset.source.paths=[]").dataset().source().paths());
    assertEquals(
        "'' in dataset.source.paths[1] is invalid: must not be empty"
            + " (--set dataset.source.paths=[a,\"\"])",
        failure("dataset.source.paths=[a,\"\"]"));
  }

  @Test
  void filterFieldNeedsValues() {
    assertEquals(
        "'lang' in dataset.source.filter.field is invalid: needs at least one value in"
            + " dataset.source.filter.values (an empty field keeps every record)"
            + " (--set dataset.source.filter.field=lang)",
        failure("dataset.source.filter.field=lang"));
  }

  @Test
  void sparkConfValuesAreRenderedAsStrings() {
    SparkSettings spark =
        overrides(
                "spark.conf.\"spark.task.cpus\"=2",
                "spark.conf.\"spark.ui.enabled\"=false",
                "spark.conf.\"spark.executor.memory\"=4g")
            .spark();
    assertEquals("2", spark.conf().get("spark.task.cpus"));
    assertEquals("false", spark.conf().get("spark.ui.enabled"));
    assertEquals("4g", spark.conf().get("spark.executor.memory"));
    String m = failure("spark.conf.\"spark.jars\"=[a,b]");
    assertTrue(
        m.startsWith(
            "'[\"a\",\"b\"]' in spark.conf.\"spark.jars\" is invalid: must be a string, number"
                + " or boolean, not a list"),
        m);
  }
}
