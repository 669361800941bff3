package dev.qcat.inference.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.scoring.TreeSession;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

/**
 * Timing harness (not a unit test) for the prompt forward pass at the real Qwen2.5-0.5B shapes with
 * random weights.
 *
 * <p>Run from the repository root after {@code mvn -q -pl app-inference test-compile}:
 *
 * <pre>
 * java -cp app-inference/target/test-classes:app-inference/target/classes:$(cat /tmp/qcat.cp) \
 *   -Dai.djl.offline=true -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
 *   dev.qcat.inference.model.ForwardBench /tmp/qcat-bench/qwen2.5-0.5b 5
 * </pre>
 *
 * Prints medians in milliseconds: a 64-token prompt (full-vocabulary log-probs at the last
 * position), a batch of 8 such prompts, one tree expansion of 77 single-token nodes, and the fp32
 * GEMM rate of libtorch at the model's shapes.
 */
public final class ForwardBench {

  private ForwardBench() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args.length > 0 ? args[0] : "/tmp/qcat-bench/qwen2.5-0.5b");
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    if (args.length > 2 && args[2].equals("gemm")) {
      gemm(reps);
      return;
    }
    if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
      long t0 = System.nanoTime();
      Path tok = Qwen2Tokenizer.findQwen25TokenizerJson().orElseThrow();
      RandomCheckpoint.write(
          dir,
          RandomCheckpoint.preset("qwen2.5-0.5b"),
          SafetensorsDtype.BF16,
          42,
          RandomCheckpoint.TokenizerKind.QWEN,
          tok);
      System.out.printf("generated %s in %.1f s%n", dir, (System.nanoTime() - t0) / 1e9);
    }
    long t0 = System.nanoTime();
    try (Qwen2Model model = Qwen2Model.load(dir)) {
      System.out.printf(
          "loaded in %.1f s, backend %s%n", (System.nanoTime() - t0) / 1e9, model.backend());
      Random r = new Random(1);
      int v = model.vocabSize();
      int[] prompt = new int[64];
      for (int i = 0; i < prompt.length; i++) {
        prompt[i] = r.nextInt(151643);
      }
      model.logProbs(new int[][] {prompt}); // warm-up
      double[] single = new double[reps];
      for (int i = 0; i < reps; i++) {
        long s = System.nanoTime();
        model.logProbs(new int[][] {prompt});
        single[i] = (System.nanoTime() - s) / 1e6;
      }
      report("prompt 64 tokens, B=1", single, 46.0);

      boolean all = args.length <= 2 || args[2].equals("all");
      int[][] batch = new int[8][];
      for (int b = 0; b < 8; b++) {
        batch[b] = prompt.clone();
        batch[b][0] = b;
      }
      double[] batched = new double[all ? Math.max(1, reps / 2) : 0];
      for (int i = 0; i < batched.length; i++) {
        long s = System.nanoTime();
        model.logProbs(batch);
        batched[i] = (System.nanoTime() - s) / 1e6;
      }
      if (all) {
        report("prompt 64 tokens, B=8", batched, 8 * 46.0);
      }

      double[] tree = new double[reps];
      double[] session = new double[reps];
      int n = 77;
      int[] rows = new int[n];
      int[] tokens = new int[n];
      int[] parents = new int[n];
      int[][] wanted = new int[n][];
      for (int i = 0; i < n; i++) {
        tokens[i] = r.nextInt(151643);
        parents[i] = -1;
        wanted[i] = new int[] {151645, 11};
      }
      for (int i = 0; i < reps; i++) {
        long s = System.nanoTime();
        try (TreeSession ts = model.startSession(new int[][] {prompt})) {
          long e = System.nanoTime();
          ts.expand(rows, tokens, parents, wanted);
          tree[i] = (System.nanoTime() - e) / 1e6;
        }
        session[i] = (System.nanoTime() - s) / 1e6;
      }
      report("expand 77 nodes on a 64-token prompt", tree, 77 * (0.716 + 0.27));
      report("session: prompt + expand 77", session, 46.0 + 77 * (0.716 + 0.27));
    }
    if (args.length <= 2 || args[2].equals("all")) {
      gemm(reps);
    }
  }

  private static void gemm(int reps) {
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      for (int rows : new int[] {64, 896}) {
        NDArray a = m.randomNormal(new Shape(rows, 896));
        NDArray w = m.randomNormal(new Shape(4864, 896));
        NDArray wt = w.transpose().duplicate();
        a.matMul(wt).close();
        double[] t = new double[reps];
        double[] tl = new double[reps];
        double[] tb = new double[reps];
        OpenBlasLinear blas = OpenBlasLinear.isAvailable() ? new OpenBlasLinear(w, null) : null;
        for (int i = 0; i < reps; i++) {
          if (blas != null) {
            long s0 = System.nanoTime();
            blas.forward(a).close();
            tb[i] = (System.nanoTime() - s0) / 1e6;
          }
          long s = System.nanoTime();
          a.matMul(wt).close();
          t[i] = (System.nanoTime() - s) / 1e6;
          s = System.nanoTime();
          a.getNDArrayInternal().linear(a, w, null).singletonOrThrow().close();
          tl[i] = (System.nanoTime() - s) / 1e6;
        }
        double gflop = 2.0 * rows * 896 * 4864 / 1e9;
        report("GEMM matMul [" + rows + "x896]x[896x4864]", t, gflop);
        report("GEMM linear [" + rows + "x896]x[4864x896]^T", tl, gflop);
        if (blas != null) {
          report("GEMM openblas [" + rows + "x896]x[4864x896]^T", tb, gflop);
        }
      }
    }
  }

  private static void report(String what, double[] ms, double gflop) {
    double[] s = ms.clone();
    Arrays.sort(s);
    double med = s[s.length / 2];
    System.out.printf(
        "%-45s median %8.1f ms  min %8.1f ms  (%.0f GFLOP/s at %.1f GFLOP)%n",
        what, med, s[0], gflop / (med / 1e3), gflop);
  }
}
