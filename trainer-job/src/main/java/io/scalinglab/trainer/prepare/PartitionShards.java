package io.scalinglab.trainer.prepare;

import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.format.ShardWriter;
import io.scalinglab.core.format.TokenShards;
import io.scalinglab.core.spark.HadoopConf;
import io.scalinglab.core.store.Renames;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.Function2;
import scala.Tuple2;

/**
 * Writes one sorted Spark partition of documents as one shard, {@code part-NNNNN.bin}, in nanoGPT's
 * layout, through core's {@link ShardWriter} (the one writer of token shards: encoding, vocabulary
 * check and SHA-256). Each task attempt writes under its own temporary name and moves it into place
 * with {@link Renames#replaceFile}, one atomic step, so a retried or speculative attempt never
 * leaves half a shard and a reader never sees none. Empty partitions write nothing.
 */
final class PartitionShards
    implements Function2<Integer, Iterator<Tuple2<Long, byte[]>>, Iterator<ShardEntry>> {
  private static final long serialVersionUID = 1L;

  private final HadoopConf conf;
  private final String folder;
  private final String split;
  private final int vocabSize;

  PartitionShards(HadoopConf conf, String folder, String split, int vocabSize) {
    this.conf = conf;
    this.folder = folder;
    this.split = split;
    this.vocabSize = vocabSize;
  }

  @Override
  public Iterator<ShardEntry> call(Integer partition, Iterator<Tuple2<Long, byte[]>> docs) {
    if (!docs.hasNext()) {
      return List.<ShardEntry>of().iterator();
    }
    String name = String.format(Locale.ROOT, "part-%05d.bin", partition);
    Path target = new Path(new Path(folder, split), name);
    TaskContext task = TaskContext.get();
    long attempt = task == null ? 0 : task.taskAttemptId();
    Path temp = new Path(target.getParent(), "." + name + ".tmp-attempt-" + attempt);
    long documents = 0;
    TokenShards.ShardInfo info;
    try {
      FileSystem fs = target.getFileSystem(conf.get());
      OutputStream out = fs.create(temp, true);
      ShardWriter writer = TokenShards.writer(out, vocabSize);
      try {
        int[] ids = new int[0];
        while (docs.hasNext()) {
          byte[] tokens = docs.next()._2(); // little-endian uint16, as tokenized
          int n = tokens.length / 2;
          if (ids.length < n) {
            ids = new int[Math.max(n, 2 * ids.length)];
          }
          for (int i = 0; i < n; i++) {
            ids[i] = (tokens[2 * i] & 0xff) | (tokens[2 * i + 1] & 0xff) << 8;
          }
          writer.write(ids, 0, n);
          documents++;
        }
      } finally {
        info = writer.close();
      }
      Renames.replaceFile(fs, temp, target);
    } catch (IOException e) {
      try {
        target.getFileSystem(conf.get()).delete(temp, false);
      } catch (IOException ignored) {
        // the original failure is the one to report
      }
      throw new StoreException("cannot write shard " + target + ": " + e.getMessage(), e);
    }
    String file = split + "/" + name;
    return List.of(
            new ShardEntry(partition, file, info.tokens(), info.bytes(), info.sha256(), documents))
        .iterator();
  }
}
