package io.scalinglab.id.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.scalinglab.core.format.Npy;
import io.scalinglab.core.store.ResultsStore;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's activation files come back by depth — emb, h_0, h_1, …, h_10, h_final, ln_f — whatever
 * order the file system lists them in, and runs collected before every layer was (h_final and ln_f
 * only) read as before.
 */
class ActivationsTest {
  @TempDir Path tmp;

  @Test
  void everyLayerSortsByDepthNotAsText() {
    ResultsStore store = ResultsStore.open(tmp.toUri().toString(), new Configuration());
    List<String> layers =
        List.of(
            "emb", "h_0", "h_1", "h_2", "h_3", "h_4", "h_5", "h_6", "h_7", "h_8", "h_9", "h_10",
            "h_11", "h_final", "ln_f");
    // written in text order, which would put h_10 and h_11 before h_2
    layers.stream().sorted().forEach(l -> write(store, "new", l, true));
    for (String l : List.of("ln_f", "h_final")) {
      write(store, "old", l, true);
    }
    write(store, "bare", "h_2", false); // no sidecar: the file name is the layer
    write(store, "bare", "h_10", false);
    write(store, "bare", "emb", false);

    List<Activations.Run> runs = Activations.list(store, "s");
    assertEquals(List.of("bare", "new", "old"), runs.stream().map(Activations.Run::runId).toList());
    assertEquals(List.of("emb", "h_2", "h_10"), names(runs.get(0)));
    assertEquals(layers, names(runs.get(1)));
    assertEquals(List.of("h_final", "ln_f"), names(runs.get(2)));
    assertEquals("h_10", runs.get(1).files().get(11).layer().orElseThrow());
  }

  private static List<String> names(Activations.Run run) {
    return run.files().stream().map(Activations.File::name).toList();
  }

  private static void write(ResultsStore store, String run, String layer, boolean sidecar) {
    org.apache.hadoop.fs.Path dir =
        new org.apache.hadoop.fs.Path(store.runDir("s", run), "activations");
    float[] values = {1, 2, 3, 4};
    store.writeAtomically(
        new org.apache.hadoop.fs.Path(dir, layer + ".npy"),
        out -> Npy.writeFloat32(out, values, 2, 2));
    if (sidecar) {
      store.writeString(
          new org.apache.hadoop.fs.Path(dir, layer + ".json"),
          "{\"kind\": \"activations\", \"layer\": \"" + layer + "\"}\n");
    }
  }
}
