package io.scalinglab.trainer.tokenize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.testing.SharedData;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Lookup by name, and what Spark needs: serialization and use from many threads at once. */
class TokenizersTest {

  @Test
  void forNameKnowsGpt2AndByteAndListsThemOtherwise() {
    assertEquals("gpt2", Tokenizers.forName("gpt2").name());
    assertEquals("byte", Tokenizers.forName("byte").name());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Tokenizers.forName("GPT-2"));
    assertEquals("'GPT-2' is not a tokenizer: use one of gpt2, byte", e.getMessage());
  }

  @Test
  void serializationReturnsTheSameWorkingInstance() throws Exception {
    for (String name : Tokenizers.NAMES) {
      Tokenizer t = Tokenizers.forName(name);
      t.encodeDocument("load the encoding before serializing");
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(t);
      }
      assertTrue(bytes.size() < 200, name + " serializes to " + bytes.size() + " bytes");
      try (ObjectInputStream in =
          new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        Tokenizer back = (Tokenizer) in.readObject();
        assertSame(t, back);
        assertArrayEquals(t.encodeDocument("Hello world"), back.encodeDocument("Hello world"));
      }
    }
  }

  @Test
  void manyThreadsGetTheSameTokensAsOne() throws IOException, Exception {
    String[] stories =
        Files.readString(SharedData.path("corpora/tinystories/train-sample.txt"))
            .split("<\\|endoftext\\|>");
    Tokenizer gpt2 = Tokenizers.forName("gpt2");
    List<int[]> expected = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      expected.add(gpt2.encodeDocument(stories[i]));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<List<int[]>>> results = new ArrayList<>();
      for (int thread = 0; thread < 8; thread++) {
        int shift = thread * 25;
        results.add(
            pool.submit(
                () -> {
                  List<int[]> out = new ArrayList<>(200);
                  for (int i = 0; i < 200; i++) {
                    out.add(gpt2.encodeDocument(stories[(i + shift) % 200]));
                  }
                  return out;
                }));
      }
      for (int thread = 0; thread < 8; thread++) {
        List<int[]> got = results.get(thread).get();
        for (int i = 0; i < 200; i++) {
          assertArrayEquals(expected.get((i + thread * 25) % 200), got.get(i));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
