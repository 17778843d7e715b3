package io.scalinglab.ops;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kubectl kustomize}, the renderer the README's {@code kubectl apply -k} uses, run as a
 * process. A machine without kubectl, or with one whose kustomize is older than v5 (Debian's
 * kubernetes-client embeds v2, which reads none of the kustomization fields k8s/ uses), fails the
 * tests that render: {@code .ci/run} installs a suitable kubectl.
 */
final class Kubectl {
  private static final Pattern KUSTOMIZE_VERSION =
      Pattern.compile("Kustomize Version: v(\\d+)\\.(\\d+)\\.(\\d+)");

  /** The oldest kustomize major version k8s/ renders with (labels, inline patches with target). */
  static final int KUSTOMIZE_MAJOR = 5;

  private static volatile String version;

  private Kubectl() {}

  /** The kustomize version kubectl embeds ({@code 5.5.0}), checked to be at least v5. */
  static String kustomizeVersion() {
    if (version == null) {
      String out = run(List.of("kubectl", "version", "--client"));
      Matcher m = KUSTOMIZE_VERSION.matcher(out);
      if (!m.find()) {
        throw new AssertionError(
            "kubectl version --client names no kustomize version: " + out.strip());
      }
      if (Integer.parseInt(m.group(1)) < KUSTOMIZE_MAJOR) {
        throw new AssertionError(
            "kubectl embeds kustomize v"
                + m.group(1)
                + "."
                + m.group(2)
                + "; k8s/ needs v"
                + KUSTOMIZE_MAJOR
                + " or newer (.ci/run installs a kubectl that has it)");
      }
      version = m.group(1) + "." + m.group(2) + "." + m.group(3);
    }
    return version;
  }

  /** The resources {@code kubectl kustomize dir} renders, in its order. */
  static List<Map<String, Object>> kustomize(Path dir) {
    kustomizeVersion();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Object doc : Tree.yaml(run(List.of("kubectl", "kustomize", dir.toString())))) {
      out.add(Tree.map(doc));
    }
    return out;
  }

  private static String run(List<String> command) {
    Process p;
    try {
      p = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError(
          command.get(0)
              + " is not on the PATH: the Kubernetes tests render k8s/ with kubectl kustomize"
              + " (v"
              + KUSTOMIZE_MAJOR
              + " or newer); .ci/run installs it",
          e);
    }
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed:\n" + out);
      }
      return out;
    } catch (IOException e) {
      throw new AssertionError(String.join(" ", command) + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + command, e);
    } finally {
      p.destroy();
    }
  }
}
