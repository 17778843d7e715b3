package io.scalinglab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scalinglab eval} end to end: a tiny corpus prepared and trained through {@link Main} as a
 * user would, then evaluated; and the command line's failures, each one line and its exit status.
 */
class EvalCommandTest {
  @TempDir static Path tmp;
  static Path runDir;
  static Path dataDir;

  @BeforeAll
  static void prepareAndTrain() throws IOException {
    Path corpus = tmp.resolve("corpus.txt");
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 120; i++) {
      text.append("Document ").append(i).append(": the cat sat on the mat, and the dog ran off.\n");
      text.append("<|endoftext|>");
    }
    Files.writeString(corpus, text);
    List<String> common =
        List.of(
            "--store", tmp.resolve("store").toUri().toString(),
            "--set", "dataset.source.paths=[\"" + corpus.toUri() + "\"]",
            "--set", "dataset.name=evaltest",
            "--set", "dataset.tokenizer=byte",
            "--set", "dataset.val-fraction=0.2");
    List<String> prepare = new ArrayList<>(List.of("prepare", "--master", "local[1]"));
    prepare.addAll(common);
    assertEquals(0, Main.run(prepare.toArray(String[]::new)));
    List<String> train = new ArrayList<>(List.of("train"));
    train.addAll(common);
    train.addAll(
        List.of(
            "--set", "model.n-layer=1",
            "--set", "model.n-head=2",
            "--set", "model.n-embd=16",
            "--set", "model.block-size=16",
            "--set", "train.max-steps=4",
            "--set", "train.decay-steps=4",
            "--set", "train.warmup-steps=1",
            "--set", "train.batch-size=2",
            "--set", "train.eval-interval=2",
            "--set", "train.eval-batches=1",
            "--set", "train.checkpoint-interval=2",
            "--set", "train.keep-checkpoints=3",
            "--set", "train.threads=1",
            "--set", "train.activations.documents=2",
            "--set", "train.activations.per-document=2"));
    assertEquals(0, Main.run(train.toArray(String[]::new)));
    try (Stream<Path> runs = Files.list(tmp.resolve("store/single/runs"))) {
      runDir = runs.findFirst().orElseThrow();
    }
    try (Stream<Path> data = Files.walk(tmp.resolve("store/data"))) {
      dataDir =
          data.filter(p -> p.getFileName().toString().equals("byte")).findFirst().orElseThrow();
    }
  }

  private static String eval(String... argv) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    EvalCommand.run(argv, new PrintStream(b, true, StandardCharsets.UTF_8));
    return b.toString(StandardCharsets.UTF_8);
  }

  @Test
  void jsonHoldsTheLossOfTheLatestCheckpoint() throws IOException {
    String out = eval("--run", runDir.toString(), "--windows", "5", "--json");
    System.out.println("eval --json on a tiny run:\n" + out);
    JsonNode j = new ObjectMapper().readTree(out);
    assertEquals(4, j.path("checkpoint").asInt());
    assertEquals(5, j.path("windows").asInt());
    assertEquals(80, j.path("tokens").asLong(), "5 windows of 16");
    assertEquals("val", j.path("split").asText());
    assertEquals(runDir.getFileName().toString(), j.path("run").asText());
    double loss = j.path("loss").asDouble();
    // A byte model starts at ln(257) = 5.55 and 4 steps cannot take it far.
    assertTrue(loss > 2 && loss < 6, "loss " + loss);
    assertEquals(16, j.path("model").path("block_size").asInt());
    assertEquals("erf", j.path("model").path("gelu").asText());
  }

  @Test
  void anEarlierCheckpointAnotherSplitAndTheDatasetFlag() throws IOException {
    ObjectMapper m = new ObjectMapper();
    JsonNode two = m.readTree(eval("--run", runDir.toString(), "--checkpoint", "2", "--json"));
    assertEquals(2, two.path("checkpoint").asInt());
    JsonNode train =
        m.readTree(
            eval(
                "--run",
                runDir.toUri().toString(),
                "--split",
                "train",
                "--dataset",
                dataDir.toString(),
                "--windows",
                "3",
                "--json"));
    assertEquals("train", train.path("split").asText());
    assertEquals(3, train.path("windows").asInt());
    String text = eval("--run", runDir.toString(), "--windows", "2");
    assertTrue(text.startsWith("loss "), text);
    assertTrue(text.contains("checkpoint 4"), text);
  }

  @Test
  void badInputIsOneLineAndItsExitStatus() {
    assertEquals(0, Main.run(new String[] {"eval", "--help"}));
    assertEquals(2, Main.run(new String[] {"eval"}));
    assertEquals(2, Main.run(new String[] {"eval", "--run", "x", "--split", "test"}));
    assertEquals(2, Main.run(new String[] {"eval", "--run", "x", "--windows", "0"}));
    assertEquals(2, Main.run(new String[] {"eval", "--rnu", "x"}));
    assertEquals(1, Main.run(new String[] {"eval", "--run", tmp.resolve("none").toString()}));
    assertEquals(1, Main.run(new String[] {"eval", "--run", tmp.toString()}), "not a run");
    assertEquals(
        1, Main.run(new String[] {"eval", "--run", runDir.toString(), "--checkpoint", "3"}));
  }
}
