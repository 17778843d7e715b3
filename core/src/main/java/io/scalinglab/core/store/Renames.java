package io.scalinglab.core.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;

/**
 * The two renames the store's atomicity rests on, done the way each file system makes them atomic.
 *
 * <p>HDFS renames atomically in the NameNode, and its {@code rename} with {@link
 * Options.Rename#OVERWRITE} replaces a file in one step, so file systems other than the local one
 * go through {@link FileUtil#rename}, which reaches that call. The local file system needs care:
 * Hadoop's generic rename-with-options deletes the target and then renames (a window with no file),
 * and its plain rename falls back to copying into the target when {@code rename(2)} refuses, which
 * would nest a losing directory inside the winner's. So on {@code file://} both renames are {@link
 * Files#move} with {@link StandardCopyOption#ATOMIC_MOVE}, which is {@code rename(2)} and nothing
 * else: it replaces a file in one step and refuses a non-empty directory.
 */
public final class Renames {
  private Renames() {}

  /** Whether {@code fs} is the local file system, which needs the renames described above. */
  public static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme());
  }

  /**
   * Renames file {@code src} to {@code dst}, replacing a file already at {@code dst}.
   *
   * @throws IOException if the rename fails or {@code dst} is a directory
   */
  public static void replaceFile(FileSystem fs, Path src, Path dst) throws IOException {
    if (!isLocal(fs)) {
      FileUtil.rename(fs, src, dst, Options.Rename.OVERWRITE);
      return;
    }
    java.nio.file.Path target = localPath(fs, dst);
    if (Files.isDirectory(target)) {
      throw new IOException("cannot replace " + dst + ": it is a directory");
    }
    // A checksum file that an earlier, checksummed writer left would not match the new content,
    // and Hadoop's LocalFileSystem answers a mismatch by moving the file away to bad_files/.
    Files.deleteIfExists(target.resolveSibling("." + target.getFileName() + ".crc"));
    Files.move(localPath(fs, src), target, StandardCopyOption.ATOMIC_MOVE);
  }

  /**
   * Renames directory {@code src} to {@code dst}, which must not exist.
   *
   * @throws IOException if the rename fails, {@code dst} having appeared meanwhile included. On the
   *     local file system an empty directory at {@code dst} is replaced: {@code rename(2)} refuses
   *     only non-empty ones.
   */
  public static void moveDirectory(FileSystem fs, Path src, Path dst) throws IOException {
    if (isLocal(fs)) {
      Files.move(localPath(fs, src), localPath(fs, dst), StandardCopyOption.ATOMIC_MOVE);
    } else {
      FileUtil.rename(fs, src, dst, Options.Rename.NONE);
    }
  }

  private static java.nio.file.Path localPath(FileSystem fs, Path p) {
    return Paths.get(fs.makeQualified(p).toUri());
  }
}
