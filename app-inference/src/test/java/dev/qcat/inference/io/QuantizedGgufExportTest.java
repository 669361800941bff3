package dev.qcat.inference.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.inference.model.Qwen2Config;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Q8_0 / Q4_0 GGUF export read back with {@link GgufReader}: every 2-D tensor (the token embedding
 * included) in the quantized type and equal to the codec's round trip of the original, 1-D tensors
 * F32 and exact, the file type set, rows that do not split into blocks refused by name. llama.cpp
 * loading these files is checked by {@code bench.QuantizedLlamaCppTest}.
 */
class QuantizedGgufExportTest {

  /** vocab 24, hidden 32, intermediate 64, 2 layers: every row a whole number of blocks. */
  private static final Qwen2Config CONFIG =
      new Qwen2Config(24, 32, 64, 2, 4, 2, 4096, 1_000_000.0, 1e-6, true, 8, 8, "float32");

  @TempDir Path dir;

  private Path tokenizer() throws IOException {
    Path t = dir.resolve("tokenizer.json");
    Files.writeString(
        t,
        """
        {"version": "1.0",
         "added_tokens": [
          {"id": 8, "content": "<|endoftext|>", "special": true},
          {"id": 9, "content": "<|im_start|>", "special": true},
          {"id": 10, "content": "<|im_end|>", "special": true}],
         "model": {"type": "BPE",
          "vocab": {"a": 0, "b": 1, "ab": 2, "Ġ": 3, "Ġa": 4, "é": 5},
          "merges": ["a b", "Ġ a"]}}
        """);
    return t;
  }

  private static Map<String, FloatTensor> randomTensors(Qwen2Config config, long seed) {
    Random random = new Random(seed);
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, CheckpointKeys.Expected> e :
        CheckpointKeys.expected(config).entrySet()) {
      long[] shape = e.getValue().shape();
      float[] data = new float[(int) FloatTensor.numel(shape)];
      for (int i = 0; i < data.length; i++) {
        data[i] = (float) (random.nextGaussian() * 0.05);
      }
      tensors.put(e.getKey(), new FloatTensor(shape, data));
    }
    return tensors;
  }

  @Test
  void q8_0AndQ4_0RoundTripThroughTheReader() throws IOException {
    Map<String, FloatTensor> tensors = randomTensors(CONFIG, 7);
    Path tok = tokenizer();
    for (GgufType type : new GgufType[] {GgufType.Q8_0, GgufType.Q4_0}) {
      Path out = dir.resolve("m-" + type + ".gguf");
      long bytes = Qwen2GgufExporter.export(CONFIG, tensors, tok, type, out);
      assertEquals(Files.size(out), bytes);
      try (GgufReader r = GgufReader.open(out)) {
        assertEquals(type == GgufType.Q8_0 ? 7 : 2, r.getLong("general.file_type"));
        for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
          String name = Qwen2GgufExporter.ggufName(e.getKey()).orElseThrow();
          GgufReader.TensorInfo info = r.tensor(name).orElseThrow();
          float[] original = e.getValue().data();
          float[] read = r.readTensor(name);
          if (e.getValue().shape().length == 1) {
            assertEquals(GgufType.F32.ggmlId(), info.ggmlType(), name);
            assertArrayEquals(original, read, name);
          } else {
            // the output tensor (tied: token_embd) of a Q4_0 file is Q8_0, as llama-quantize does
            GgufType t = name.equals("token_embd.weight") ? GgufType.Q8_0 : type;
            assertEquals(t.ggmlId(), info.ggmlType(), name);
            assertArrayEquals(codecRoundTrip(t, original), read, name);
          }
        }
      }
    }
  }

  @Test
  void aPureQ4_0FileHasTheTokenEmbeddingInQ4_0Too() throws IOException {
    Map<String, FloatTensor> tensors = randomTensors(CONFIG, 7);
    Path out = dir.resolve("m-pure.gguf");
    Qwen2GgufExporter.export(
        CONFIG, tensors.keySet(), tensors::get, tokenizer(), GgufType.Q4_0, GgufType.Q4_0, out);
    try (GgufReader r = GgufReader.open(out)) {
      assertEquals(2, r.getLong("general.file_type"));
      assertEquals(GgufType.Q4_0.ggmlId(), r.tensor("token_embd.weight").orElseThrow().ggmlType());
      assertEquals(
          GgufType.Q4_0.ggmlId(), r.tensor("blk.0.attn_q.weight").orElseThrow().ggmlType());
    }
    assertEquals(GgufType.Q8_0, Qwen2GgufExporter.outputType(GgufType.Q4_0));
    assertEquals(GgufType.F16, Qwen2GgufExporter.outputType(GgufType.F16));
  }

  @Test
  void refusesRowsThatDoNotSplitIntoBlocksNamingTheTensor() throws IOException {
    // hidden 48: q_proj rows of 48 values
    Qwen2Config odd =
        new Qwen2Config(24, 48, 96, 1, 4, 2, 4096, 1_000_000.0, 1e-6, true, 8, 8, "float32");
    Map<String, FloatTensor> tensors = randomTensors(odd, 1);
    Path out = dir.resolve("odd.gguf");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Qwen2GgufExporter.export(odd, tensors, tokenizer(), GgufType.Q8_0, out));
    assertTrue(e.getMessage().contains("model.embed_tokens.weight"), e.getMessage());
    assertTrue(e.getMessage().contains("[24, 48]"), e.getMessage());
    assertFalse(Files.exists(out));
    // F16 has one-value blocks: the same model exports
    Qwen2GgufExporter.export(odd, tensors, tokenizer(), GgufType.F16, out);
  }

  @Test
  void writesAnOllamaModelfileBesideTheGguf() throws IOException {
    Path gguf = dir.resolve("qcat-q8_0.gguf");
    Files.write(gguf, new byte[] {0});
    Path modelfile = OllamaModelfile.writeBeside(gguf);
    assertEquals(dir.resolve("qcat-q8_0.Modelfile").toAbsolutePath(), modelfile);
    String text = Files.readString(modelfile);
    assertTrue(text.startsWith("FROM ./qcat-q8_0.gguf\n"), text);
    assertTrue(text.contains("PARAMETER stop \"<|im_end|>\""), text);
    assertTrue(text.contains("TEMPLATE \"\"\"{{- if .Messages }}"), text);
    assertTrue(text.contains("<|im_start|>{{ .Role }}\n{{ .Content }}<|im_end|>\n"), text);
    assertTrue(text.contains("<|im_start|>assistant\n"), text);
    // Go template actions balance
    assertEquals(count(text, "{{"), count(text, "}}"));
    assertEquals(
        count(text, "{{- if") + count(text, "{{ if") + count(text, "{{- range"),
        count(text, "{{ end }}"));
    assertThrows(IllegalArgumentException.class, () -> OllamaModelfile.text("../x.gguf"));
  }

  private static int count(String s, String part) {
    int n = 0;
    for (int i = s.indexOf(part); i >= 0; i = s.indexOf(part, i + 1)) {
      n++;
    }
    return n;
  }

  private static float[] codecRoundTrip(GgufType type, float[] x) {
    ByteBuffer b =
        ByteBuffer.allocate(x.length / type.blockSize() * type.blockBytes())
            .order(ByteOrder.LITTLE_ENDIAN);
    type.encode(x, 0, x.length, b);
    b.flip();
    float[] back = new float[x.length];
    type.decode(b, back, 0, x.length);
    return back;
  }
}
