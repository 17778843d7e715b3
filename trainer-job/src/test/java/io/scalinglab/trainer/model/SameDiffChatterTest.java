package io.scalinglab.trainer.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;
import org.junit.jupiter.api.Test;

class SameDiffChatterTest {
  @Test
  void dropsOnlySameDiffsGradientListing() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out =
        new SameDiffChatter.Filter(new PrintStream(bytes, true, Charset.defaultCharset()));
    out.println("Added differentiated op matmul_12");
    out.println("step 10/100 loss 2.5");
    out.println("Added differentiated op layer_norm_4");
    out.print("no newline");
    out.flush();
    assertEquals(
        "step 10/100 loss 2.5" + System.lineSeparator() + "no newline",
        bytes.toString(Charset.defaultCharset()));
  }
}
