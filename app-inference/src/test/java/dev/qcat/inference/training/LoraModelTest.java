package dev.qcat.inference.training;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.lora.LoraAdapter;
import dev.qcat.inference.lora.LoraConfig;
import dev.qcat.inference.lora.LoraModel;
import dev.qcat.inference.lora.PeftAdapterIO;
import dev.qcat.inference.model.Qwen2Model;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA inside the tiny Qwen2 model: identity at start, save/load, merge. */
class LoraModelTest {

  static final int[][] PROMPTS = {{1, 50, 60, 70, 401, 2}, {1, 300, 402, 2}};

  static float maxAbsDiff(float[][] a, float[][] b) {
    float max = 0;
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < a[i].length; j++) {
        max = Math.max(max, Math.abs(a[i][j] - b[i][j]));
      }
    }
    return max;
  }

  @Test
  void freshAdapterLeavesTheModelUnchanged() {
    float[][] base;
    // LoraModel's plain layers run on libtorch (autograd); compare with the same GEMM.
    try (Qwen2Model plain =
        Qwen2Model.fromTensors(TinyTask.CONFIG, TinyTask.tensors(7), Qwen2Model.Backend.TORCH)) {
      base = plain.logProbs(PROMPTS);
    }
    try (LoraModel lm =
        LoraModel.create(TinyTask.CONFIG, TinyTask.tensors(7), LoraConfig.of(4, 8), 1)) {
      float[][] withLora = lm.model().logProbs(PROMPTS);
      assertEquals(0f, maxAbsDiff(base, withLora), "B = 0 leaves every log-probability unchanged");
      assertEquals(14, lm.loraLayers().size());
    }
  }

  @Test
  void countsTrainableParameters() {
    try (LoraModel lm =
        LoraModel.create(TinyTask.CONFIG, TinyTask.tensors(7), LoraConfig.of(16, 32), 1)) {
      // per layer: q 2048, k 1536, v 1536, o 2048, gate 3072, up 3072, down 3072 = 16384
      assertEquals(2 * 16384, lm.trainableParameterCount());
    }
    LoraConfig withEmbed =
        LoraConfig.of(16, 32).withModulesToSave(List.of("embed_tokens", "lm_head"));
    try (LoraModel lm = LoraModel.create(TinyTask.CONFIG, TinyTask.tensors(7), withEmbed, 1)) {
      assertSame(
          lm.trainableParameters().get("model.embed_tokens.weight"),
          lm.trainableParameters().get("lm_head.weight"),
          "tied embeddings are one array");
      assertEquals(2 * 16384 + 512 * 64, lm.trainableParameterCount());
    }
  }

  @Test
  void savedAdapterReloadsToTheSameOutputsAndMergesToThem(@TempDir Path dir) {
    Random rnd = new Random(3);
    LoraConfig cfg =
        LoraConfig.of(4, 8).withTargetModules(List.of("q_proj", "v_proj", "down_proj"));
    float[][] trained;
    try (LoraModel lm = LoraModel.create(TinyTask.CONFIG, TinyTask.tensors(7), cfg, 1)) {
      Map<String, FloatTensor> t = new LinkedHashMap<>();
      lm.toAdapter()
          .tensors()
          .forEach(
              (k, v) -> {
                float[] a = new float[v.data().length];
                for (int i = 0; i < a.length; i++) {
                  a[i] = (float) (0.1 * rnd.nextGaussian());
                }
                t.put(k, new FloatTensor(v.shape(), a));
              });
      lm.setAdapter(new LoraAdapter(cfg, t));
      trained = lm.model().logProbs(PROMPTS);
      PeftAdapterIO.save(dir, lm.toAdapter());
    }
    try (Qwen2Model plain = Qwen2Model.fromTensors(TinyTask.CONFIG, TinyTask.tensors(7))) {
      assertTrue(
          maxAbsDiff(plain.logProbs(PROMPTS), trained) > 1e-3, "the adapter changes outputs");
    }
    try (LoraModel lm =
        LoraModel.load(TinyTask.CONFIG, TinyTask.tensors(7), PeftAdapterIO.load(dir))) {
      float[][] reloaded = lm.model().logProbs(PROMPTS);
      for (int i = 0; i < trained.length; i++) {
        assertArrayEquals(trained[i], reloaded[i], "reloaded adapter, same log-probabilities");
      }
      lm.merge();
      float[][] merged = lm.model().logProbs(PROMPTS);
      assertTrue(maxAbsDiff(trained, merged) < 1e-4, "merged: " + maxAbsDiff(trained, merged));
    }
    // Merged on the heap, served by a plain model on the default GEMM backend.
    LoraAdapter adapter = PeftAdapterIO.load(dir);
    try (Qwen2Model plain =
        Qwen2Model.fromTensors(TinyTask.CONFIG, adapter.applyTo(TinyTask.tensors(7)))) {
      float[][] heapMerged = plain.logProbs(PROMPTS);
      assertTrue(
          maxAbsDiff(trained, heapMerged) < 1e-4,
          "heap-merged: " + maxAbsDiff(trained, heapMerged));
    }
  }
}
