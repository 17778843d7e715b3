package io.scalinglab.trainer.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/gpu/discover-gpus.sh prints the JSON Spark's resource discovery reads. This machine has no
 * GPU, so a stand-in {@code nvidia-smi} on the PATH prints what the real one prints for {@code
 * --query-gpu=index --format=csv,noheader}.
 */
class GpuDiscoveryScriptTest {
  static final Path SCRIPT = Path.of("..", "deploy", "gpu", "discover-gpus.sh");
  @TempDir Path tmp;

  JsonNode run(Map<String, String> env, String nvidiaSmiOutput) throws Exception {
    Path bin = Files.createDirectories(tmp.resolve("bin"));
    if (nvidiaSmiOutput != null) {
      Path smi = bin.resolve("nvidia-smi");
      Files.writeString(smi, "#!/bin/sh\nprintf '" + nvidiaSmiOutput + "'\n");
      Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
    List<String> cmd = new ArrayList<>(List.of("bash", SCRIPT.toString()));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().remove("CUDA_VISIBLE_DEVICES");
    pb.environment().put("PATH", bin + ":/usr/bin:/bin");
    pb.environment().putAll(env);
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return new ObjectMapper().readTree(out);
  }

  static List<String> addresses(JsonNode n) {
    List<String> a = new ArrayList<>();
    n.path("addresses").forEach(x -> a.add(x.asText()));
    return a;
  }

  @Test
  void listsTheGpusNvidiaSmiReports() throws Exception {
    JsonNode n = run(Map.of(), "0\\n1\\n2\\n3\\n");
    assertEquals("gpu", n.path("name").asText());
    assertEquals(List.of("0", "1", "2", "3"), addresses(n));
  }

  @Test
  void aContainerLimitedByCudaVisibleDevicesSeesOrdinalsFromZero() throws Exception {
    assertEquals(
        List.of("0", "1"), addresses(run(Map.of("CUDA_VISIBLE_DEVICES", "3,5"), "0\\n1\\n")));
  }

  @Test
  void noGpuGivesAnEmptyListNotAnError() throws Exception {
    assertEquals(List.of(), addresses(run(Map.of(), null)));
  }
}
