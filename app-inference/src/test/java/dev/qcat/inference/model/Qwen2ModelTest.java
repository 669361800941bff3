package dev.qcat.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.BaseNDManager;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.io.SafetensorsReader;
import dev.qcat.inference.model.RandomCheckpoint.TokenizerKind;
import dev.qcat.inference.scoring.TreeSession;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Qwen2ModelTest {

  @TempDir static Path dir;

  /** Tied embeddings, GQA with 2 query heads per key/value head, byte-level vocabulary. */
  static Qwen2Config config;

  static Qwen2Model model;
  static NaiveQwen2 naive;

  @BeforeAll
  static void setUp() {
    config =
        RandomCheckpoint.write(
            dir, Qwen2Config.tiny(), SafetensorsDtype.F32, 11, TokenizerKind.BYTE_LEVEL, null);
    model = Qwen2Model.load(dir);
    naive = new NaiveQwen2(config, SafetensorsReader.readAll(dir.resolve("model.safetensors")));
  }

  @AfterAll
  static void tearDown() {
    model.close();
  }

  static int[] randomTokens(Random r, int n, int vocab) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) {
      t[i] = r.nextInt(vocab);
    }
    return t;
  }

  static void assertClose(double[] want, float[] got, double tol, String what) {
    assertEquals(want.length, got.length, what + ": length");
    double max = 0;
    double sum = 0;
    for (int i = 0; i < want.length; i++) {
      double d = Math.abs(want[i] - got[i]);
      max = Math.max(max, d);
      sum += d;
    }
    assertTrue(
        max <= tol,
        what + ": max |diff| " + max + ", mean " + sum / want.length + " > tolerance " + tol);
  }

  static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }

  static int[] concat(int[] a, int... b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void forwardMatchesNaiveFloat64Reference() {
    Random r = new Random(1);
    int[][] batch = {
      randomTokens(r, 1, config.vocabSize()),
      randomTokens(r, 9, config.vocabSize()),
      randomTokens(r, 23, config.vocabSize())
    };
    float[][] got = model.logProbs(batch);
    for (int b = 0; b < batch.length; b++) {
      double[][] want = naive.logProbs(batch[b]);
      assertClose(want[want.length - 1], got[b], 1e-4, "sequence " + b);
    }
    // logits are not degenerate: the distribution is far from uniform
    double[] last = naive.logProbs(batch[2])[22];
    double max = Arrays.stream(last).max().orElseThrow();
    assertTrue(max > -Math.log(config.vocabSize()) + 1.0, "max log p " + max);
  }

  @Test
  void untiedHeadAndNoGqaMatchNaiveReference(@TempDir Path other) {
    Qwen2Config c =
        new Qwen2Config(300, 48, 96, 3, 3, 3, 4096, 10000.0, 1e-5, false, 0, 1, "float32");
    Qwen2Config written =
        RandomCheckpoint.write(other, c, SafetensorsDtype.BF16, 5, TokenizerKind.BYTE_LEVEL, null);
    Map<String, FloatTensor> weights =
        SafetensorsReader.readAll(other.resolve("model.safetensors"));
    NaiveQwen2 ref = new NaiveQwen2(written, weights);
    try (Qwen2Model m = Qwen2Model.load(other)) {
      int[] tokens = randomTokens(new Random(3), 12, written.vocabSize());
      double[][] want = ref.logProbs(tokens);
      float[][][] got = m.logProbs(new int[][] {tokens}, new int[][] {{0, 5, 11}});
      assertClose(want[0], got[0][0], 1e-4, "position 0");
      assertClose(want[5], got[0][1], 1e-4, "position 5");
      assertClose(want[11], got[0][2], 1e-4, "position 11");
    }
  }

  @Test
  void openBlasAndTorchBackendsBothMatchNaiveReference() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        OpenBlasLinear.isAvailable(), "OpenBLAS native library not available here");
    Random r = new Random(8);
    int[][] batch = {
      randomTokens(r, 17, config.vocabSize()), randomTokens(r, 5, config.vocabSize())
    };
    try (Qwen2Model torch = Qwen2Model.load(dir, Qwen2Model.Backend.TORCH);
        Qwen2Model blas = Qwen2Model.load(dir, Qwen2Model.Backend.OPENBLAS)) {
      assertEquals(Qwen2Model.Backend.OPENBLAS, blas.backend());
      float[][] a = torch.logProbs(batch);
      float[][] b = blas.logProbs(batch);
      for (int i = 0; i < batch.length; i++) {
        double[][] want = naive.logProbs(batch[i]);
        assertClose(want[want.length - 1], a[i], 1e-4, "torch " + i);
        assertClose(want[want.length - 1], b[i], 1e-4, "openblas " + i);
        assertClose(toDouble(a[i]), b[i], 1e-5, "torch vs openblas " + i);
      }
      try (TreeSession ta = torch.startSession(batch);
          TreeSession tb = blas.startSession(batch)) {
        int[][] wanted = {{1, 2, 3}, {4}};
        float[][] ea = ta.expand(new int[] {0, 1}, new int[] {9, 10}, new int[] {-1, -1}, wanted);
        float[][] eb = tb.expand(new int[] {0, 1}, new int[] {9, 10}, new int[] {-1, -1}, wanted);
        for (int i = 0; i < 2; i++) {
          assertClose(toDouble(ea[i]), eb[i], 1e-5, "expand " + i);
        }
      }
    }
  }

  @Test
  void paddedBatchEqualsOneByOne() {
    Random r = new Random(2);
    int[][] batch = new int[5][];
    for (int b = 0; b < batch.length; b++) {
      batch[b] = randomTokens(r, 1 + r.nextInt(30), config.vocabSize());
    }
    float[][] together = model.logProbs(batch);
    for (int b = 0; b < batch.length; b++) {
      float[] alone = model.logProbs(new int[][] {batch[b]})[0];
      assertClose(toDouble(alone), together[b], 1e-5, "sequence " + b);
    }
  }

  @Test
  void logProbsAtPositionsEqualPrefixForward() {
    Random r = new Random(4);
    int[][] batch = {
      randomTokens(r, 7, config.vocabSize()), randomTokens(r, 15, config.vocabSize())
    };
    float[][][] at = model.logProbs(batch, new int[][] {{2, 6}, {0, 14}});
    assertClose(
        toDouble(model.logProbs(new int[][] {Arrays.copyOf(batch[0], 3)})[0]),
        at[0][0],
        1e-5,
        "0@2");
    assertClose(toDouble(model.logProbs(new int[][] {batch[0]})[0]), at[0][1], 1e-5, "0@6");
    assertClose(
        toDouble(model.logProbs(new int[][] {Arrays.copyOf(batch[1], 1)})[0]),
        at[1][0],
        1e-5,
        "1@0");
    assertClose(toDouble(model.logProbs(new int[][] {batch[1]})[0]), at[1][1], 1e-5, "1@14");
  }

  @Test
  void kvCacheIncrementalEqualsFullForward() {
    Random r = new Random(5);
    int[][] prompts = {
      randomTokens(r, 4, config.vocabSize()), randomTokens(r, 11, config.vocabSize())
    };
    int[][] seq = {prompts[0].clone(), prompts[1].clone()};
    try (KvCache cache = model.newCache(2)) {
      float[][] step = model.extend(cache, prompts);
      for (int i = 0; i < 4; i++) {
        float[][] full = model.logProbs(seq);
        for (int b = 0; b < 2; b++) {
          assertClose(toDouble(full[b]), step[b], 1e-5, "step " + i + " row " + b);
        }
        // rows grow by different amounts: 1 token, then 1 or 2
        int[][] next = {
          randomTokens(r, 1, config.vocabSize()), randomTokens(r, 1 + (i % 2), config.vocabSize())
        };
        seq[0] = concat(seq[0], next[0]);
        seq[1] = concat(seq[1], next[1]);
        step = model.extend(cache, next);
      }
      assertEquals(4 + 4, cache.validCount(0));
      assertEquals(11 + 6, cache.validCount(1));
    }
  }

  @Test
  void treeExpandEqualsRunningEachPathAsASequence() {
    Random r = new Random(6);
    int v = config.vocabSize();
    int[][] prompts = {randomTokens(r, 6, v), randomTokens(r, 13, v), randomTokens(r, 2, v)};
    int[] wantedTokens = {0, 5, 17, v - 1, config.eosTokenId()};
    try (TreeSession s = model.startSession(prompts)) {
      assertEquals(3, s.batchSize());
      for (int b = 0; b < prompts.length; b++) {
        float[] full = model.logProbs(new int[][] {prompts[b]})[0];
        float[] got = s.promptNextLogProbs(b, wantedTokens);
        for (int j = 0; j < wantedTokens.length; j++) {
          assertEquals(full[wantedTokens[j]], got[j], 1e-5);
        }
      }
      // level 1: prompt 0 gets 3 children, prompt 1 gets 1, prompt 2 gets 2 (ids 0..5)
      int[] batch1 = {0, 1, 0, 2, 0, 2};
      int[] tokens1 = randomTokens(r, 6, v);
      int[] parent1 = {-1, -1, -1, -1, -1, -1};
      List<int[]> paths = new ArrayList<>();
      List<Integer> rows = new ArrayList<>();
      int[][] wanted1 = new int[6][];
      for (int i = 0; i < 6; i++) {
        wanted1[i] = wantedTokens;
        paths.add(new int[] {tokens1[i]});
        rows.add(batch1[i]);
      }
      float[][] got1 = s.expand(batch1, tokens1, parent1, wanted1);
      // level 2 and 3 in one call: children of nodes 0, 2 and 3, and a grandchild (node 9 -> 6)
      int[] batch2 = {0, 0, 2, 0};
      int[] tokens2 = randomTokens(r, 4, v);
      int[] parent2 = {0, 2, 3, 6};
      int[][] wanted2 = {wantedTokens, {3}, wantedTokens, {1, 2}};
      float[][] got2a =
          s.expand(
              Arrays.copyOf(batch2, 3),
              Arrays.copyOf(tokens2, 3),
              Arrays.copyOf(parent2, 3),
              Arrays.copyOf(wanted2, 3));
      float[][] got2b =
          s.expand(
              new int[] {batch2[3]},
              new int[] {tokens2[3]},
              new int[] {parent2[3]},
              new int[][] {wanted2[3]});
      for (int i = 0; i < 4; i++) {
        int p = parent2[i];
        int[] path = p < 6 ? paths.get(p) : concat(paths.get(0), tokens2[0]);
        paths.add(concat(path, tokens2[i]));
        rows.add(batch2[i]);
      }
      List<float[]> results = new ArrayList<>(Arrays.asList(got1));
      results.addAll(Arrays.asList(got2a));
      results.addAll(Arrays.asList(got2b));
      int[][] wantedAll = concatRows(wanted1, wanted2);
      for (int node = 0; node < paths.size(); node++) {
        int b = rows.get(node);
        float[] full = model.logProbs(new int[][] {concat(prompts[b], paths.get(node))})[0];
        float[] got = results.get(node);
        for (int j = 0; j < wantedAll[node].length; j++) {
          assertEquals(full[wantedAll[node][j]], got[j], 1e-5, "node " + node + " token " + j);
        }
      }
      assertThrows(
          IllegalArgumentException.class,
          () -> s.expand(new int[] {1}, new int[] {1}, new int[] {0}, new int[][] {{1}}),
          "parent of another prompt");
      assertThrows(
          IllegalArgumentException.class,
          () -> s.expand(new int[] {0}, new int[] {1}, new int[] {99}, new int[][] {{1}}),
          "unknown parent");
      // a chain in one call: ids 10, 11 (parent 10, same call), 12 (parent 11, same call)
      int[] tokens3 = randomTokens(r, 3, v);
      assertThrows(
          IllegalArgumentException.class,
          () ->
              s.expand(
                  new int[] {1, 1}, new int[] {1, 2}, new int[] {11, -1}, new int[][] {{1}, {1}}),
          "parent that is a later entry of the call");
      float[][] got3 =
          s.expand(
              new int[] {1, 1, 1},
              tokens3,
              new int[] {-1, 10, 11},
              new int[][] {wantedTokens, wantedTokens, wantedTokens});
      int[] path3 = {};
      for (int i = 0; i < 3; i++) {
        path3 = concat(path3, tokens3[i]);
        float[] full = model.logProbs(new int[][] {concat(prompts[1], path3)})[0];
        for (int j = 0; j < wantedTokens.length; j++) {
          assertEquals(full[wantedTokens[j]], got3[i][j], 1e-5, "same-call node " + i);
        }
      }
    }
  }

  @Test
  void memoryDoesNotGrowAcrossCalls() {
    BaseNDManager m = (BaseNDManager) model.manager();
    int[][] prompts = {{1, 2, 3}, {4, 5}};
    model.logProbs(prompts);
    try (TreeSession s = model.startSession(prompts)) {
      s.expand(new int[] {0}, new int[] {7}, new int[] {-1}, new int[][] {{1}});
    }
    int before = m.getManagedArrays().size();
    for (int i = 0; i < 3; i++) {
      model.logProbs(prompts);
      model.logProbs(prompts, new int[][] {{0}, {1}});
      try (KvCache c = model.newCache(2)) {
        model.extend(c, prompts);
        model.extend(c, new int[][] {{1}, {2}});
      }
      try (TreeSession s = model.startSession(prompts)) {
        s.expand(new int[] {0, 1}, new int[] {7, 8}, new int[] {-1, -1}, new int[][] {{1}, {2}});
        s.expand(new int[] {0}, new int[] {9}, new int[] {0}, new int[][] {{1}});
      }
      assertEquals(before, m.getManagedArrays().size(), "arrays in the model's manager");
    }
  }

  @Test
  void setThreadsChangesLibtorchPool() {
    int before = ai.djl.pytorch.jni.JniUtils.getNumThreads();
    try {
      Qwen2Model.setThreads(1, 1);
      assertEquals(1, ai.djl.pytorch.jni.JniUtils.getNumThreads());
      assertEquals(1, model.logProbs(new int[][] {{1, 2}}).length);
    } finally {
      Qwen2Model.setThreads(before, before);
    }
    assertThrows(IllegalArgumentException.class, () -> Qwen2Model.setThreads(0, 1));
  }

  @Test
  void rejectsTokenOutsideVocabularyAndEmptySequences() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> model.logProbs(new int[][] {{1, config.vocabSize()}}));
    assertTrue(e.getMessage().contains("outside the vocabulary"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> model.logProbs(new int[][] {{}}));
    assertThrows(IllegalArgumentException.class, () -> model.logProbs(new int[0][]));
  }

  private static int[][] concatRows(int[][] a, int[][] b) {
    int[][] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
