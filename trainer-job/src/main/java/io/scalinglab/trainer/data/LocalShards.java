package io.scalinglab.trainer.data;

import io.scalinglab.core.error.InputException;
import io.scalinglab.core.error.StoreException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Local files for shards that live in the results store, so they can be memory-mapped: on a {@code
 * file://} store the store's own file, anywhere else (HDFS) a copy in a local folder. A copy is
 * written to a hidden temporary name, checked by size and renamed into place, so a file under its
 * final name is always complete; a later attempt of the run reuses it if its size is right and
 * copies again if not. Two runs that copy one shard at once each write their own temporary file;
 * the second rename replaces the first's identical file, and a run that mapped it keeps reading the
 * file it mapped.
 */
final class LocalShards {
  private LocalShards() {}

  /** A local file with a shard's bytes, and whether this call copied them. */
  record Local(java.nio.file.Path file, boolean copied) {}

  /**
   * A local file holding shard {@code shard} of the store's file system {@code fs}, which must hold
   * {@code bytes} bytes: the shard itself on a local store, else a copy at {@code target}.
   *
   * @throws InputException naming the shard if the copy does not have {@code bytes} bytes
   * @throws StoreException if the shard cannot be read or the copy written
   */
  static Local of(FileSystem fs, Path shard, long bytes, java.nio.file.Path target) {
    if (isLocal(fs)) {
      return new Local(Paths.get(fs.makeQualified(shard).toUri()), false);
    }
    java.nio.file.Path folder = target.toAbsolutePath().getParent();
    try {
      if (Files.isRegularFile(target) && Files.size(target) == bytes) {
        return new Local(target, false);
      }
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw cannotCopy(shard, target, e);
    }
    java.nio.file.Path tmp =
        folder.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      try (InputStream in = fs.open(shard)) {
        Files.copy(in, tmp);
      }
      long got = Files.size(tmp);
      if (got != bytes) {
        throw InputException.of(
            shard.toString(),
            "copied " + got + " bytes from the store, the manifest says " + bytes,
            "Was the dataset being prepared again meanwhile? Prepare it again (delete its folder"
                + " first) and start the run again");
      }
      // rename(2): replaces a stale copy of another size in one step.
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return new Local(target, true);
    } catch (IOException e) {
      throw cannotCopy(shard, target, e);
    } finally {
      try {
        Files.deleteIfExists(tmp);
      } catch (IOException e) {
        // Hidden and named .tmp-: no later run trusts it.
      }
    }
  }

  /** Whether {@code fs} is the local disk, whose files can be mapped where they are. */
  static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme());
  }

  private static StoreException cannotCopy(Path shard, java.nio.file.Path target, IOException e) {
    return new StoreException(
        "cannot copy token shard "
            + shard
            + " to "
            + target
            + ": "
            + e
            + ". Check that the local folder is writable and has space for the training split"
            + " (or point the token cache elsewhere)",
        e);
  }
}
