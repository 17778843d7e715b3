package io.scalinglab.ops;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.DockerClientFactory;

/**
 * Skips a container suite where no Docker engine answers, printing why, so that a build log says
 * which suites did not run (Testcontainers' own {@code disabledWithoutDocker} skips silently).
 * Register it before {@code @Testcontainers}: the first condition that disables wins.
 */
final class DockerRequired implements ExecutionCondition {
  private static volatile Boolean available;

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (available == null) {
      available = DockerClientFactory.instance().isDockerAvailable();
    }
    if (available) {
      return ConditionEvaluationResult.enabled("a Docker engine answers");
    }
    String reason =
        "no Docker engine answers (DOCKER_HOST, /var/run/docker.sock, ~/.testcontainers.properties):"
            + " the container suite needs one to start HDFS and Spark";
    System.out.println(context.getDisplayName() + ": skipped, " + reason);
    return ConditionEvaluationResult.disabled(reason);
  }
}
