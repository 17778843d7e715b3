package io.scalinglab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.cli.UsageException;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.config.SourceFormat;
import io.scalinglab.core.error.InputException;
import io.scalinglab.core.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@code demo --reproduce} reads a corpus it is given, and the data axis it plans on it. */
class ReproduceCorpusTest {
  static final Path CORPORA = SharedData.path("corpora");

  @TempDir Path tmp;

  @Test
  void theSharedSamplesGetTheirFormatTextFieldNameAndSubsets() {
    ReproduceCorpus sql =
        ReproduceCorpus.parse(CORPORA.resolve("stack-sql/sample.jsonl").toString());
    assertEquals("stack-sql-sample", sql.name());
    ScalinglabConfig c = DemoReproduce.config(sql, List.of(), List.of());
    assertEquals(SourceFormat.JSONL, c.dataset().source().format());
    assertEquals("content", c.dataset().source().textField(), "The Stack's column");
    assertEquals(
        List.of("t8000", "t16000", "t32000", "t64000", "t128000", "t256000"), sql.subsetNames());
    assertEquals(
        List.of("t8000", "t16000", "t32000", "t64000", "t128000", "t256000"), c.sweep().subsets());
    assertEquals("t256000", c.sweep().modelSubset());
    assertEquals("reproduce-stack-sql-sample", c.train().sweep());

    ReproduceCorpus owt =
        ReproduceCorpus.parse("owt=" + CORPORA.resolve("openwebtext/sample.jsonl"));
    assertEquals("owt", owt.name());
    assertEquals(
        "text", DemoReproduce.config(owt, List.of(), List.of()).dataset().source().textField());
    // 236,195 bytes: 60% of them hold 128,000 tokens but not 256,000
    assertEquals(
        List.of("t4000", "t8000", "t16000", "t32000", "t64000", "t128000"), owt.subsetNames());

    ReproduceCorpus stories =
        ReproduceCorpus.parse(CORPORA.resolve("tinystories/train-sample.txt").toString());
    ScalinglabConfig t = DemoReproduce.config(stories, List.of(), List.of("train.max-steps=500"));
    assertEquals(SourceFormat.TEXT, t.dataset().source().format());
    assertEquals("<|endoftext|>", t.dataset().source().separator());
    assertEquals(500, t.train().maxSteps(), "--set goes on top");
  }

  @Test
  void theSweepMeetsTheIssuesShape() {
    ReproduceCorpus sql =
        ReproduceCorpus.parse(CORPORA.resolve("stack-sql/sample.jsonl").toString());
    ScalinglabConfig c = DemoReproduce.config(sql, List.of(), List.of());
    assertEquals(7, c.sweep().models().size(), "at least 6 model sizes");
    assertTrue(c.sweep().axes());
    assertEquals(List.of(1338L, 1339L), c.sweep().repeat().seeds(), "3 seeds at the small end");
    assertEquals(List.of("all"), c.train().activations().layers(), "the ID of every layer");
  }

  @Test
  void foldersTsvAndBadInputAreHandled() throws IOException {
    Path folder = Files.createDirectories(tmp.resolve("sql-files"));
    Files.writeString(folder.resolve("a.sql"), "select 1;\n".repeat(30_000));
    ReproduceCorpus files = ReproduceCorpus.parse(folder.toString());
    assertEquals("sql-files", files.name());
    assertEquals(
        SourceFormat.FILES,
        DemoReproduce.config(files, List.of(), List.of()).dataset().source().format());

    Path tsv = tmp.resolve("lines.tsv");
    Files.writeString(tsv, "title\tdate\tbody of the document\n".repeat(10_000));
    assertEquals(
        2,
        DemoReproduce.config(ReproduceCorpus.parse("x=" + tsv), List.of(), List.of())
            .dataset()
            .source()
            .tsvColumn());

    Path little = Files.writeString(tmp.resolve("little.tsv"), "title\tdate\tbody\n");
    InputException small =
        assertThrows(InputException.class, () -> ReproduceCorpus.parse("x=" + little).subsets());
    assertTrue(small.getMessage().contains("too few for a data axis"), small.getMessage());

    Path odd = Files.writeString(tmp.resolve("corpus.csv"), "a,b\n");
    InputException unknown =
        assertThrows(InputException.class, () -> ReproduceCorpus.parse(odd.toString()));
    assertTrue(
        unknown.getMessage().contains("cannot tell the corpus format"), unknown.getMessage());

    Path json = Files.writeString(tmp.resolve("docs.jsonl"), "{\"body\": \"x\"}\n");
    InputException field =
        assertThrows(InputException.class, () -> ReproduceCorpus.parse(json.toString()));
    assertTrue(field.getMessage().contains("neither a 'text' nor a 'content'"), field.getMessage());

    assertThrows(UsageException.class, () -> ReproduceCorpus.parse("a b=" + tsv));
    assertThrows(InputException.class, () -> ReproduceCorpus.parse(tmp.resolve("none").toString()));
  }
}
