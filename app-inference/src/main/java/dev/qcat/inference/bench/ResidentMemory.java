package dev.qcat.inference.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Resident memory of this process, for comparing how much memory a loaded model really holds
 * (float32 vs Q8_0 vs Q4_0, and against llama.cpp): file sizes say nothing about the Java heap,
 * libtorch's allocator or freed-but-kept pages.
 *
 * <p>Method: build the model, call {@link #settle()} (full GCs so that garbage from quantizing is
 * gone), then read {@link #rssBytes()}; subtract the same reading taken before loading. Run each
 * mode in its own JVM, with a heap bounded near the model's size and a collector that returns free
 * heap to the OS ({@code -Xmx<~1.3× model> -XX:+UseSerialGC -XX:MinHeapFreeRatio=5
 * -XX:MaxHeapFreeRatio=10}), or the committed-but-free heap left over from loading is counted too.
 */
public final class ResidentMemory {

  private static final Path STATUS = Path.of("/proc/self/status");

  private ResidentMemory() {}

  /**
   * @return the resident set size ({@code VmRSS} of {@code /proc/self/status}), in bytes; empty
   *     where that file does not exist (not Linux)
   * @throws IOException if the file exists but cannot be read
   */
  public static OptionalLong rssBytes() throws IOException {
    if (!Files.isReadable(STATUS)) {
      return OptionalLong.empty();
    }
    for (String line : Files.readAllLines(STATUS)) {
      if (line.startsWith("VmRSS:")) {
        String kb = line.substring("VmRSS:".length()).replace("kB", "").trim();
        return OptionalLong.of(Long.parseLong(kb) * 1024);
      }
    }
    return OptionalLong.empty();
  }

  /**
   * Runs three full garbage collections, 100 ms apart.
   *
   * @return Java heap in use afterwards, in bytes
   * @throws InterruptedException if interrupted while waiting
   */
  public static long settle() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
