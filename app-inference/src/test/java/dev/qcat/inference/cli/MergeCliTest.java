package dev.qcat.inference.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.lora.LoraAdapter;
import dev.qcat.inference.lora.LoraConfig;
import dev.qcat.inference.lora.PeftAdapterIO;
import dev.qcat.inference.model.RandomCheckpoint;
import dev.qcat.inference.quant.QuantType;
import dev.qcat.inference.quant.QuantizedMatrix;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code qcat merge}: the adapter merged into an HF checkpoint, optionally GPTQ-rounded. */
class MergeCliTest {

  @TempDir static Path dir;
  static Path model;
  static Path adapterDir;
  static LoraAdapter adapter;
  static Path dataset;

  @BeforeAll
  static void tinyModelAndAdapter() throws IOException {
    model = dir.resolve("tiny");
    RandomCheckpoint.write(
        model,
        RandomCheckpoint.preset("tiny"),
        SafetensorsDtype.F32,
        11,
        RandomCheckpoint.TokenizerKind.BYTE_LEVEL,
        null);
    // A rank-2 adapter on q_proj and down_proj of both layers, with non-zero A and B.
    LoraConfig config = LoraConfig.of(2, 4).withTargetModules(List.of("q_proj", "down_proj"));
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    Random rnd = new Random(5);
    for (int layer = 0; layer < 2; layer++) {
      tensors.put(LoraAdapter.loraAKey(layer, "q_proj"), gaussian(rnd, 2, 64));
      tensors.put(LoraAdapter.loraBKey(layer, "q_proj"), gaussian(rnd, 64, 2));
      tensors.put(LoraAdapter.loraAKey(layer, "down_proj"), gaussian(rnd, 2, 128));
      tensors.put(LoraAdapter.loraBKey(layer, "down_proj"), gaussian(rnd, 64, 2));
    }
    adapter = new LoraAdapter(config, tensors);
    adapterDir = dir.resolve("adapter");
    PeftAdapterIO.save(adapterDir, adapter);
    dataset = dir.resolve("data.jsonl");
    Files.write(
        dataset,
        List.of(
            "{\"input\": \"Where is my new card?\", \"output\": \"Card arrival\"}",
            "{\"input\": \"What rate do you use for euros?\", \"output\": \"Exchange rate\"}",
            "{\"input\": \"Can I get cash at an ATM?\", \"output\": \"Cash\"}",
            "{\"input\": \"My card broke\", \"output\": \"Card\"}"));
  }

  private static FloatTensor gaussian(Random rnd, int rows, int cols) {
    float[] v = new float[rows * cols];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) (0.1 * rnd.nextGaussian());
    }
    return new FloatTensor(new long[] {rows, cols}, v);
  }

  @Test
  void writesTheAdapterMergedIntoAnHfCheckpoint() throws IOException {
    Path out = dir.resolve("merged");
    QcatTest.Run r =
        QcatTest.qcat(
            "merge",
            "--model",
            model.toString(),
            "--adapter",
            adapterDir.toString(),
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertEquals(out.toString(), r.out().strip());
    try (HfCheckpoint base = HfCheckpoint.load(model);
        HfCheckpoint merged = HfCheckpoint.load(out)) {
      Function<String, FloatTensor> expected = adapter.applyTo(base.config(), base::tensor);
      assertEquals(
          base.tensorNames().stream().sorted().toList(),
          merged.tensorNames().stream().sorted().toList());
      for (String name : base.tensorNames()) {
        assertArrayEquals(expected.apply(name).data(), merged.tensor(name).data(), name);
        assertEquals(SafetensorsDtype.F32, merged.dtype(name));
      }
      String q = "model.layers.1.self_attn.q_proj.weight";
      assertFalse(Arrays.equals(base.tensor(q).data(), merged.tensor(q).data()), "not merged");
      String k = "model.layers.1.self_attn.k_proj.weight";
      assertArrayEquals(base.tensor(k).data(), merged.tensor(k).data());
    }
    assertEquals(
        "float32",
        new ObjectMapper()
            .readTree(out.resolve(HfCheckpoint.CONFIG).toFile())
            .get("torch_dtype")
            .asText());
    assertArrayEquals(
        Files.readAllBytes(model.resolve(HfCheckpoint.TOKENIZER)),
        Files.readAllBytes(out.resolve(HfCheckpoint.TOKENIZER)));
    assertFalse(Files.exists(out.resolve(HfCheckpoint.SAFETENSORS + ".partial")));
  }

  @Test
  void gptqMergedWeightsAreWhatRoundToNearestServes() throws IOException {
    Path out = dir.resolve("gptq");
    QcatTest.Run r =
        QcatTest.qcat(
            "merge",
            "--model",
            model.toString(),
            "--adapter",
            adapterDir.toString(),
            "--gptq",
            dataset.toString(),
            "--type",
            "Q4_0",
            "--out",
            out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("GPTQ calibration: 4 questions from " + dataset), r.err());
    String name = "model.layers.1.mlp.down_proj.weight";
    GptqOptions options = new GptqOptions();
    options.file = dataset;
    options.samples = GptqOptions.DEFAULT_SAMPLES;
    float[] rounded;
    float[] written;
    try (HfCheckpoint base = HfCheckpoint.load(model);
        HfCheckpoint merged = HfCheckpoint.load(out)) {
      rounded =
          options
              .apply(
                  model,
                  base.config(),
                  adapter.applyTo(base.config(), base::tensor),
                  QuantType.Q4_0,
                  new PrintWriter(Writer.nullWriter()))
              .apply(name)
              .data();
      written = merged.tensor(name).data();
    }
    // The file holds GPTQ's rounding of the merged weights (the calibration is deterministic) ...
    assertArrayEquals(rounded, written);
    // ... on the Q4_0 grid, so quantizing it while loading (--quant Q4_0, the application's Q4_0
    // model versions) keeps every value: the model is served with GPTQ's codes.
    QuantizedMatrix q =
        QuantizedMatrix.quantize(name, new long[] {64, 128}, written, QuantType.Q4_0);
    float[] served = new float[written.length];
    q.dequantizeRows(0, 64, served);
    assertArrayEquals(written, served);
  }

  @Test
  void refusesWhatItCannotDo() {
    String m = model.toString();
    String o = dir.resolve("x").toString();
    QcatTest.Run nothing = QcatTest.qcat("merge", "--model", m, "--out", o);
    assertEquals(2, nothing.code(), nothing.err());
    assertTrue(nothing.err().contains("nothing to merge"), nothing.err());
    QcatTest.Run noType =
        QcatTest.qcat("merge", "--model", m, "--gptq", dataset.toString(), "--out", o);
    assertEquals(2, noType.code(), noType.err());
    assertTrue(noType.err().contains("--gptq needs --type Q8_0 or Q4_0"), noType.err());
    QcatTest.Run typeAlone =
        QcatTest.qcat(
            "merge",
            "--model",
            m,
            "--adapter",
            adapterDir.toString(),
            "--type",
            "Q8_0",
            "--out",
            o);
    assertEquals(2, typeAlone.code(), typeAlone.err());
    assertTrue(typeAlone.err().contains("--type goes with --gptq"), typeAlone.err());
    QcatTest.Run ontoBase =
        QcatTest.qcat("merge", "--model", m, "--adapter", adapterDir.toString(), "--out", m);
    assertEquals(2, ontoBase.code(), ontoBase.err());
    assertTrue(ontoBase.err().contains("is the base model's directory"), ontoBase.err());
  }
}
