package io.scalinglab.trainer.prepare;

import io.scalinglab.core.error.StoreException;
import io.scalinglab.core.spark.HadoopConf;
import java.io.IOException;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
 * layout (the tokens are already little-endian uint16). Each task attempt writes under its own
 * temporary name and renames into place, so a retried or speculative attempt never leaves half a
 * shard. Empty partitions write nothing.
 */
final class ShardWriter
    implements Function2<Integer, Iterator<Tuple2<Long, byte[]>>, Iterator<ShardEntry>> {
  private static final long serialVersionUID = 1L;

  private final HadoopConf conf;
  private final String folder;
  private final String split;

  ShardWriter(HadoopConf conf, String folder, String split) {
    this.conf = conf;
    this.folder = folder;
    this.split = split;
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
    long bytes = 0;
    long documents = 0;
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    try {
      FileSystem fs = target.getFileSystem(conf.get());
      try (OutputStream out = new DigestOutputStream(fs.create(temp, true), sha)) {
        while (docs.hasNext()) {
          byte[] tokens = docs.next()._2();
          out.write(tokens);
          bytes += tokens.length;
          documents++;
        }
      }
      if (fs.exists(target)) {
        fs.delete(target, false);
      }
      if (!fs.rename(temp, target)) {
        throw new IOException("rename " + temp + " -> " + target + " returned false");
      }
    } catch (IOException e) {
      try {
        target.getFileSystem(conf.get()).delete(temp, false);
      } catch (IOException ignored) {
        // the original failure is the one to report
      }
      throw new StoreException("cannot write shard " + target + ": " + e.getMessage(), e);
    }
    String file = split + "/" + name;
    String hex = HexFormat.of().formatHex(sha.digest());
    return List.of(new ShardEntry(partition, file, bytes / 2, bytes, hex, documents)).iterator();
  }
}
