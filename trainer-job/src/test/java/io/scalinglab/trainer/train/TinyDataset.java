package io.scalinglab.trainer.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.scalinglab.core.config.ScalinglabConfig;
import io.scalinglab.core.store.ResultsStore;
import io.scalinglab.trainer.prepare.PrepareJob;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.hadoop.fs.Path;

/**
 * A prepared dataset written by hand where {@link RunSpec#resolve} looks for the one {@code config}
 * names, without Spark: one shard per split holding exactly the given tokens, and one subset {@code
 * f1} of the whole training split. Its manifest says what the test says (vocabulary, EOT,
 * tokenizer), so a model of any vocabulary can train and be evaluated on known tokens.
 */
public final class TinyDataset {
  private static final ObjectMapper JSON = new ObjectMapper();

  private TinyDataset() {}

  /** Writes the dataset and returns its folder. */
  public static Path write(
      ResultsStore store, ScalinglabConfig config, int[] train, int[] val, int vocab, int eot) {
    String tokenizer = config.dataset().tokenizer().key();
    Path dir = store.dataDir(PrepareJob.datasetId(config), tokenizer);
    ObjectNode m = JSON.createObjectNode();
    m.put("kind", "dataset");
    m.put("tokenizer", tokenizer);
    m.put("vocab_size", vocab);
    m.put("eot", eot);
    m.put("dtype", "uint16");
    m.set("train", split(store, dir, "train", train));
    m.set("val", split(store, dir, "val", val));
    ObjectNode f1 = m.putArray("subsets").addObject();
    f1.put("name", "f1");
    f1.put("fraction", 1.0);
    f1.put("tokens", train.length);
    store.writeJson(new Path(dir, "manifest.json"), m);
    return dir;
  }

  private static ObjectNode split(ResultsStore store, Path dir, String name, int[] tokens) {
    ByteBuffer b = ByteBuffer.allocate(2 * tokens.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int t : tokens) {
      b.putShort((short) t);
    }
    String file = name + "/part-00000.bin";
    store.writeAtomically(new Path(dir, file), out -> out.write(b.array()));
    ObjectNode s = JSON.createObjectNode();
    s.put("documents", 1);
    s.put("tokens", tokens.length);
    ObjectNode shard = s.putArray("shards").addObject();
    shard.put("file", file);
    shard.put("tokens", tokens.length);
    shard.put("bytes", 2 * tokens.length);
    return s;
  }
}
