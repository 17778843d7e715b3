package io.scalinglab.core.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.scalinglab.core.testing.MiniHdfs;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.FileStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's contract on a real HDFS (an in-JVM MiniDFSCluster with one DataNode). */
class HdfsResultsStoreIT extends ResultsStoreContract {
  @TempDir static Path base;
  private static MiniHdfs hdfs;
  private static final AtomicInteger STORES = new AtomicInteger();

  @BeforeAll
  static void startHdfs() {
    hdfs = MiniHdfs.start(base, 1);
  }

  @AfterAll
  static void stopHdfs() {
    if (hdfs != null) {
      hdfs.close();
    }
  }

  @Override
  ResultsStore store() {
    return ResultsStore.open(hdfs.uri() + "/store-" + STORES.incrementAndGet(), hdfs.conf());
  }

  @Test
  void rootIsAnHdfsUri() throws Exception {
    ResultsStore s = store();
    assertEquals("hdfs", s.rootUri().getScheme());
    assertEquals(hdfs.uri().getAuthority(), s.rootUri().getAuthority());
    FileStatus status = s.fs().getFileStatus(s.root());
    assertTrue(status.isDirectory());
  }

  @Test
  void filesAreReplicatedOncePerDataNode() throws Exception {
    ResultsStore s = store();
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(s.root(), "r.txt");
    s.writeString(p, "x");
    // One DataNode: replication 1, so no write waits for replicas that cannot exist.
    assertEquals(1, s.fs().getFileStatus(p).getReplication());
  }
}
