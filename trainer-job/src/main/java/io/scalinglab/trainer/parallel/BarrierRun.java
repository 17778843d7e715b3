package io.scalinglab.trainer.parallel;

import io.scalinglab.core.config.DataParallelTransport;
import io.scalinglab.core.config.ScalinglabConfig;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.rdd.RDD;
import org.apache.spark.resource.ResourceProfile;
import scala.collection.Iterator;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * One run trained by W tasks of a Spark barrier stage ({@code train.data-parallel = W}): each task
 * opens a socket, the tasks exchange their addresses through {@code BarrierTaskContext.allGather},
 * connect ({@link TcpCollective}) and call the member task with rank = partition. Spark launches a
 * barrier stage only when all W tasks can start at once, and retries it as a whole when one fails,
 * (its output goes through a one-partition shuffle, which makes it a shuffle-map stage: Spark does
 * not retry a failed barrier result stage), so a lost executor restarts every member, which resume
 * from the run's last checkpoint together ({@code spark.stage.maxConsecutiveAttempts}).
 *
 * <p>A cluster with fewer than W task slots in all would leave the stage waiting while Spark checks
 * again every {@code spark.scheduler.barrier.maxConcurrentTasksCheck.interval} (15 s) up to {@code
 * .maxFailures} (40) times, then fail it with a message about barrier mode: {@link #submit} says at
 * once how many slots the run needs and has, and {@link #explain} turns Spark's failure into one
 * that names the run, both numbers and what to change.
 */
public final class BarrierRun {
  /** How long members wait for each other's connections once they know the addresses. */
  static final Duration CONNECT_TIMEOUT = Duration.ofMinutes(2);

  private BarrierRun() {}

  /** What each member of the run does: train it as member {@code group.rank()}. */
  @FunctionalInterface
  public interface Member extends Serializable {
    /**
     * Trains the run {@code configJson} describes as a member of {@code group}.
     *
     * @return the run's result JSON (rank 0's is the one returned to the driver)
     */
    String train(String configJson, Collective group) throws Exception;
  }

  /**
   * Submits the run as a barrier stage of {@code tasks} tasks, each calling {@code member}; the
   * job's one result is rank 0's. Logs first how many task slots the run needs and, when the
   * cluster has fewer in all, that it will wait for executors and then fail.
   */
  public static JavaFutureAction<List<String>> submit(
      JavaSparkContext jsc,
      String runId,
      String configJson,
      int tasks,
      Member member,
      Consumer<String> log) {
    int slots = awaitSlots(jsc.sc(), tasks);
    if (slots < tasks) {
      log.accept(
          String.format(
              Locale.ROOT,
              "WARNING run %s trains on %d tasks at once (train.data-parallel = %d) but the cluster"
                  + " has %d task slot(s) now; it waits for executors to join, up to %s, then"
                  + " fails",
              runId,
              tasks,
              tasks,
              slots,
              checkWindow(jsc.sc())));
    } else {
      log.accept(
          "run "
              + runId
              + " trains on "
              + tasks
              + " tasks (train.data-parallel), starting when "
              + tasks
              + " task slots are free at once");
    }
    JavaRDD<String> copies = jsc.parallelize(Collections.nCopies(tasks, configJson), tasks);
    ClassTag<String> tag = ClassTag$.MODULE$.apply(String.class);
    RDD<String> results = copies.rdd().barrier().mapPartitions(new Members(member), false, tag);
    // Spark retries a failed barrier stage whole only when it is a shuffle-map stage: a failed
    // barrier result stage aborts the job. So the members' output goes through a shuffle.
    return new JavaRDD<>(results, tag).repartition(1).collectAsync();
  }

  /**
   * The cluster's task slots, once there are {@code tasks} of them or the application is as old as
   * {@code spark.scheduler.maxRegisteredResourcesWaitingTime} (30 s): a driver that has just
   * started has no executors yet, and the barrier check would then wait a whole interval.
   */
  static int awaitSlots(SparkContext sc, int tasks) {
    long wait = sc.conf().getTimeAsMs("spark.scheduler.maxRegisteredResourcesWaitingTime", "30s");
    int slots = slots(sc);
    while (slots < tasks && System.currentTimeMillis() < sc.startTime() + wait) {
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      slots = slots(sc);
    }
    return slots;
  }

  /**
   * The message of a run's failed barrier stage: Spark's words when the cluster never had the slots
   * become the run's, with what to change; any other message is returned as it is.
   */
  public static String explain(String message, String runId, int tasks, SparkContext sc) {
    if (message == null
        || !(message.contains("SPARK-24819")
            || message.contains("BARRIER_SLOTS")
            || message.contains("more slots than the total number of slots"))) {
      return message;
    }
    return String.format(
        Locale.ROOT,
        "run %s needs %d task slots at once (train.data-parallel = %d) but the cluster has %d:"
            + " add executors or cores (spark.executor.instances, spark.executor.cores,"
            + " spark.cores.max), or lower train.data-parallel",
        runId,
        tasks,
        tasks,
        slots(sc));
  }

  /** The tasks the cluster can run at once: executors' cores / spark.task.cpus, summed. */
  public static int slots(SparkContext sc) {
    ResourceProfile rp = sc.resourceProfileManager().defaultResourceProfile();
    return sc.maxNumConcurrentTasks(rp);
  }

  private static String checkWindow(SparkContext sc) {
    String interval =
        sc.conf().get("spark.scheduler.barrier.maxConcurrentTasksCheck.interval", "15s");
    int failures =
        sc.conf().getInt("spark.scheduler.barrier.maxConcurrentTasksCheck.maxFailures", 40);
    return failures
        + " checks "
        + interval
        + " apart (spark.scheduler.barrier.maxConcurrentTasksCheck.*)";
  }

  /** Whether the run's {@code train.data-parallel-transport} lets its members share memory. */
  private static boolean sharedMemory(String configJson) {
    return ScalinglabConfig.fromJson(configJson).train().dataParallelTransport()
        == DataParallelTransport.AUTO;
  }

  /** The stage's function: connect the members, then train as one of them. */
  private static final class Members extends AbstractFunction1<Iterator<String>, Iterator<String>>
      implements Serializable {
    private static final long serialVersionUID = 1L;
    private final Member member;

    Members(Member member) {
      this.member = member;
    }

    @Override
    public Iterator<String> apply(Iterator<String> configs) {
      BarrierTaskContext ctx = BarrierTaskContext.get();
      String configJson = configs.next();
      int rank = ctx.partitionId();
      String executor = ctx.getTaskInfos()[rank].address();
      String host = executor.substring(0, executor.lastIndexOf(':'));
      try {
        ServerSocketChannel server = TcpCollective.listen(host);
        String[] addresses = ctx.allGather(TcpCollective.address(server, host));
        // every member of this attempt knows it; an earlier attempt's leftovers do not
        long token = ((long) ctx.stageId() << 32) ^ ctx.stageAttemptNumber();
        try (TcpCollective group =
            TcpCollective.connect(
                rank,
                List.of(addresses),
                server,
                token,
                CONNECT_TIMEOUT,
                ctx::isInterrupted,
                sharedMemory(configJson))) {
          String result = member.train(configJson, group);
          List<String> out = rank == 0 ? List.of(result) : List.of();
          return JavaConverters.asScalaIterator(out.iterator());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(
            "data-parallel task " + rank + " could not connect to its peers: " + e.getMessage(), e);
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
