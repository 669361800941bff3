package dev.qcat.inference.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.inference.cli.Qcat;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qcat download} in-process against the loopback hub. */
class DownloadCommandTest {

  @Test
  void downloadsThroughTheCommandAndReportsFailuresWithExitCodeOne(@TempDir Path dir)
      throws IOException {
    try (FakeHub hub = new FakeHub("org/tiny")) {
      byte[] weights = new byte[50_000];
      new java.util.Random(3).nextBytes(weights);
      hub.put("config.json", "{}".getBytes(StandardCharsets.UTF_8), false);
      hub.put("tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8), false);
      hub.put("model.safetensors", weights, true);
      StringWriter out = new StringWriter();
      StringWriter err = new StringWriter();
      int code =
          Qcat.run(
              new PrintWriter(out),
              new PrintWriter(err),
              "download",
              "org/tiny",
              "--endpoint",
              hub.endpoint().toString(),
              "--out",
              dir.toString());
      assertEquals(0, code, err.toString());
      assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
      assertTrue(out.toString().contains("model.safetensors"), out.toString());

      hub.listedSha256.put("model.safetensors", "f".repeat(64));
      Files.delete(dir.resolve("model.safetensors"));
      StringWriter err2 = new StringWriter();
      int failed =
          Qcat.run(
              new PrintWriter(new StringWriter()),
              new PrintWriter(err2),
              "download",
              "org/tiny",
              "--endpoint",
              hub.endpoint().toString(),
              "--out",
              dir.toString());
      assertEquals(1, failed);
      assertTrue(err2.toString().contains("sha256 mismatch"), err2.toString());
      assertEquals(
          2,
          Qcat.run(
              new PrintWriter(new StringWriter()),
              new PrintWriter(new StringWriter()),
              "download",
              "not-a-repo",
              "--out",
              dir.toString()));
    }
  }
}
