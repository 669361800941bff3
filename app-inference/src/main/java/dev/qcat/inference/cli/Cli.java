package dev.qcat.inference.cli;

import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.lora.PeftAdapterIO;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;

/** Small helpers shared by the subcommands. */
final class Cli {

  private Cli() {}

  /** A PrintStream that writes into a PrintWriter (progress bars go through picocli's stderr). */
  static PrintStream printStream(PrintWriter w) {
    return new PrintStream(
        new OutputStream() {
          @Override
          public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) {
            w.write(new String(b, off, len, StandardCharsets.UTF_8));
            w.flush();
          }
        },
        true,
        StandardCharsets.UTF_8);
  }

  /**
   * @throws UsageException if {@code p} is not an existing regular file
   */
  static Path requireFile(String option, Path p) {
    if (!Files.isRegularFile(p)) {
      throw new UsageException(option + " " + p + ": no such file");
    }
    return p;
  }

  /**
   * @throws UsageException if {@code p} is not an existing directory
   */
  static Path requireDirectory(String option, Path p) {
    if (!Files.isDirectory(p)) {
      throw new UsageException(option + " " + p + ": no such directory");
    }
    return p;
  }

  /**
   * The checkpoint's tensors, float32 by HF name, with the PEFT adapter in {@code adapter} merged
   * in when it is not null ({@link dev.qcat.inference.lora.LoraAdapter#mergedInto}).
   *
   * @throws IllegalArgumentException if the adapter does not fit the base model
   */
  static Function<String, FloatTensor> tensors(HfCheckpoint checkpoint, Path adapter) {
    return adapter == null
        ? checkpoint::tensor
        : PeftAdapterIO.load(adapter).mergedInto(checkpoint);
  }
}
