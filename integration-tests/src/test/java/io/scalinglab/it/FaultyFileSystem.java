package io.scalinglab.it;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.CreateFlag;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local disk under the test scheme {@code faulty:}, refusing writes part-way: it fails the n-th
 * {@code create} or {@code rename} it sees, or lets the n-th created file take a few bytes and then
 * fails its writes. The counters are static because Hadoop makes a fresh instance per {@link
 * org.apache.hadoop.fs.FileSystem#get} without the cache, and Spark's local executors share the
 * test's JVM. Not being {@code file:}, it takes the store's non-local rename path, the one HDFS
 * takes.
 */
public final class FaultyFileSystem extends FilterFileSystem {
  static final String SCHEME = "faulty";

  /** Bytes a file given {@link #failWrite} accepts before its writes fail. */
  static final int BYTES_BEFORE_WRITE_FAILS = 10;

  private static final AtomicInteger CREATES = new AtomicInteger();
  private static final AtomicInteger RENAMES = new AtomicInteger();
  private static volatile int failCreate;
  private static volatile int failRename;
  private static volatile int failWrite;
  private static volatile String only = "";
  private static final List<Path> REFUSED = new CopyOnWriteArrayList<>();

  public FaultyFileSystem() {
    super(new Local());
  }

  /** Registers the scheme in {@code conf}, uncached so each test's settings hold. */
  static void register(Configuration conf) {
    conf.set("fs." + SCHEME + ".impl", FaultyFileSystem.class.getName());
    conf.setBoolean("fs." + SCHEME + ".impl.disable.cache", true);
  }

  /**
   * Resets the counters; then the {@code create}-th create, the {@code rename}-th rename and the
   * writes to the {@code write}-th created file fail (0 = never).
   */
  static void failAt(int create, int rename, int write) {
    failAt(create, rename, write, "");
  }

  /** As {@link #failAt(int, int, int)}, counting only the paths that contain {@code only}. */
  static void failAt(int create, int rename, int write, String only) {
    FaultyFileSystem.only = only;
    CREATES.set(0);
    RENAMES.set(0);
    REFUSED.clear();
    failCreate = create;
    failRename = rename;
    failWrite = write;
  }

  static int creates() {
    return CREATES.get();
  }

  static int renames() {
    return RENAMES.get();
  }

  /** The paths whose create, rename or write was refused since {@link #failAt}. */
  static List<Path> refused() {
    return List.copyOf(REFUSED);
  }

  /** {@code faulty:/x} as the local path {@code /x}. */
  static java.nio.file.Path local(Path p) {
    return java.nio.file.Paths.get(p.toUri().getPath());
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FSDataOutputStream create(
      Path f,
      FsPermission permission,
      boolean overwrite,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress)
      throws IOException {
    int n = counted(f);
    return maybeFailing(
        n, f, super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress));
  }

  @Override
  public FSDataOutputStream create(
      Path f,
      FsPermission permission,
      EnumSet<CreateFlag> flags,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress,
      Options.ChecksumOpt checksumOpt)
      throws IOException {
    int n = counted(f);
    return maybeFailing(
        n,
        f,
        super.create(
            f, permission, flags, bufferSize, replication, blockSize, progress, checksumOpt));
  }

  @Override
  public boolean rename(Path src, Path dst) throws IOException {
    renameCounted(src, dst);
    return super.rename(src, dst);
  }

  @Override
  protected void rename(Path src, Path dst, Options.Rename... options) throws IOException {
    renameCounted(src, dst);
    super.rename(src, dst, options);
  }

  private static int counted(Path f) throws IOException {
    if (!f.toString().contains(only)) {
      return 0;
    }
    int n = CREATES.incrementAndGet();
    if (n == failCreate) {
      REFUSED.add(f);
      throw new IOException("injected fault: create #" + n + " of " + f + " refused");
    }
    return n;
  }

  private static void renameCounted(Path src, Path dst) throws IOException {
    if (!src.toString().contains(only) && !dst.toString().contains(only)) {
      return;
    }
    int n = RENAMES.incrementAndGet();
    if (n == failRename) {
      REFUSED.add(src);
      throw new IOException("injected fault: rename #" + n + " of " + src + " to " + dst);
    }
  }

  private static FSDataOutputStream maybeFailing(int n, Path f, FSDataOutputStream out)
      throws IOException {
    if (n == 0 || n != failWrite) {
      return out;
    }
    REFUSED.add(f);
    return new FSDataOutputStream(new BreaksPartWay(out, f), null);
  }

  /** Takes {@link #BYTES_BEFORE_WRITE_FAILS} bytes, then fails every write: a disk that filled. */
  private static final class BreaksPartWay extends OutputStream {
    private final OutputStream out;
    private final Path f;
    private long written;

    BreaksPartWay(OutputStream out, Path f) {
      this.out = out;
      this.f = f;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      int room = (int) Math.max(0, Math.min(len, BYTES_BEFORE_WRITE_FAILS - written));
      out.write(b, off, room);
      written += room;
      if (room < len) {
        out.flush();
        throw new IOException("injected fault: write to " + f + " failed after " + written + " B");
      }
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }

  /** The local disk answering to {@code faulty:///}. */
  static final class Local extends RawLocalFileSystem {
    @Override
    public URI getUri() {
      return URI.create(SCHEME + ":///");
    }

    @Override
    public String getScheme() {
      return SCHEME;
    }
  }
}
