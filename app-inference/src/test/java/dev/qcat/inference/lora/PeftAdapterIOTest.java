package dev.qcat.inference.lora;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.SafetensorsReader;
import dev.qcat.inference.model.Qwen2Config;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeftAdapterIOTest {

  @TempDir Path dir;

  // Known matrices for layer 1's q_proj (out 3, in 4), r = 2, alpha = 8 -> scaling 4.
  static final float[] A = {1, 0, -1, 2, 0, 1, 1, -1}; // (2, 4)
  static final float[] B = {1, 2, 0, -1, 3, 1}; // (3, 2)
  static final float[] W = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}; // (3, 4)

  /** W + 4·B·A, worked by hand: B·A = [[1,2,1,0],[0,-1,-1,1],[3,1,-2,5]]. */
  static final float[] MERGED = {5, 10, 7, 4, 5, 2, 3, 12, 21, 14, 3, 32};

  /** A PEFT-style config as PEFT 0.13 writes it: extra fields, target_modules in set order. */
  static final String PEFT_CONFIG =
      """
      {
        "alpha_pattern": {},
        "auto_mapping": null,
        "base_model_name_or_path": "Qwen/Qwen2.5-0.5B-Instruct",
        "bias": "none",
        "fan_in_fan_out": false,
        "inference_mode": true,
        "init_lora_weights": true,
        "layer_replication": null,
        "layers_pattern": null,
        "layers_to_transform": null,
        "loftq_config": {},
        "lora_alpha": 8,
        "lora_dropout": 0.05,
        "megatron_config": null,
        "megatron_core": "megatron.core",
        "modules_to_save": null,
        "peft_type": "LORA",
        "r": 2,
        "rank_pattern": {},
        "revision": null,
        "target_modules": ["v_proj", "q_proj"],
        "task_type": "CAUSAL_LM",
        "use_dora": false,
        "use_rslora": false
      }
      """;

  /**
   * Writes a safetensors file byte by byte, independently of {@code SafetensorsWriter}: 8-byte LE
   * header length, JSON header, F32 LE data.
   */
  static void writeSafetensorsByHand(
      Path file, Map<String, float[]> tensors, Map<String, long[]> shapes) throws IOException {
    StringBuilder header = new StringBuilder("{");
    long offset = 0;
    for (String name : tensors.keySet()) {
      long bytes = 4L * tensors.get(name).length;
      long[] s = shapes.get(name);
      header
          .append('"')
          .append(name)
          .append("\":{\"dtype\":\"F32\",\"shape\":[")
          .append(s[0])
          .append(',')
          .append(s[1])
          .append("],\"data_offsets\":[")
          .append(offset)
          .append(',')
          .append(offset + bytes)
          .append("]},");
      offset += bytes;
    }
    header.setLength(header.length() - 1);
    header.append('}');
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length).array());
    out.write(h);
    for (float[] t : tensors.values()) {
      ByteBuffer b = ByteBuffer.allocate(4 * t.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : t) {
        b.putFloat(v);
      }
      out.write(b.array());
    }
    Files.write(file, out.toByteArray());
  }

  private void writeHandMadeAdapter() throws IOException {
    Files.writeString(dir.resolve("adapter_config.json"), PEFT_CONFIG);
    Map<String, float[]> t = new LinkedHashMap<>();
    Map<String, long[]> s = new LinkedHashMap<>();
    String p = "base_model.model.model.layers.1.self_attn.";
    t.put(p + "q_proj.lora_A.weight", A);
    s.put(p + "q_proj.lora_A.weight", new long[] {2, 4});
    t.put(p + "q_proj.lora_B.weight", B);
    s.put(p + "q_proj.lora_B.weight", new long[] {3, 2});
    t.put(p + "v_proj.lora_A.weight", new float[] {0, 0, 0, 1, 1, 0, 0, 0});
    s.put(p + "v_proj.lora_A.weight", new long[] {2, 4});
    t.put(p + "v_proj.lora_B.weight", new float[] {1, 1});
    s.put(p + "v_proj.lora_B.weight", new long[] {1, 2});
    writeSafetensorsByHand(dir.resolve("adapter_model.safetensors"), t, s);
  }

  @Test
  void loadsHandWrittenPeftAdapterAndMergesExactly() throws IOException {
    writeHandMadeAdapter();
    LoraAdapter adapter = PeftAdapterIO.load(dir);
    LoraConfig c = adapter.config();
    assertEquals(2, c.r());
    assertEquals(8.0, c.alpha());
    assertEquals(0.05, c.dropout());
    assertEquals(List.of("q_proj", "v_proj"), c.targetModules());
    assertEquals("Qwen/Qwen2.5-0.5B-Instruct", c.baseModelNameOrPath());
    assertEquals(List.of(), c.modulesToSave());
    assertArrayEquals(A, adapter.loraA(1, "q_proj").orElseThrow().data());
    assertArrayEquals(B, adapter.loraB(1, "q_proj").orElseThrow().data());
    assertTrue(adapter.loraA(0, "q_proj").isEmpty());

    // On the heap (export path).
    FloatTensor merged =
        adapter.mergedWeight(
            "model.layers.1.self_attn.q_proj.weight", new FloatTensor(new long[] {3, 4}, W));
    assertArrayEquals(MERGED, merged.data());
    FloatTensor untouched = new FloatTensor(new long[] {3, 4}, W);
    assertEquals(
        untouched, adapter.mergedWeight("model.layers.1.self_attn.k_proj.weight", untouched));

    // On NDArrays (serving path): LoraLinear.merge() gives the same W + (α/r)·B·A, exactly.
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray w = m.create(W.clone(), new Shape(3, 4));
      NDArray a = m.create(adapter.loraA(1, "q_proj").orElseThrow().data(), new Shape(2, 4));
      NDArray b = m.create(adapter.loraB(1, "q_proj").orElseThrow().data(), new Shape(3, 2));
      LoraLinear layer = new LoraLinear(w, null, a, b, c.alpha(), c.dropout());
      NDArray x = m.create(new float[] {1, -2, 0.5f, 3}, new Shape(1, 4));
      float[] unmerged = layer.forward(x, false).toFloatArray();
      layer.merge();
      assertArrayEquals(MERGED, layer.weight().toFloatArray());
      assertArrayEquals(unmerged, layer.forward(x, false).toFloatArray(), 1e-5f);
    }
  }

  @Test
  void savedAdapterHasPeftLayoutAndRoundTrips() throws IOException {
    writeHandMadeAdapter();
    LoraAdapter original =
        new LoraAdapter(
            PeftAdapterIO.load(dir).config().withModulesToSave(List.of("lm_head")),
            withLmHead(PeftAdapterIO.load(dir).tensors()));
    Path out = dir.resolve("saved");
    PeftAdapterIO.save(out, original);

    JsonNode cfg = new ObjectMapper().readTree(out.resolve("adapter_config.json").toFile());
    assertEquals("LORA", cfg.get("peft_type").asText());
    assertEquals("CAUSAL_LM", cfg.get("task_type").asText());
    assertEquals(2, cfg.get("r").asInt());
    assertEquals(8.0, cfg.get("lora_alpha").asDouble());
    assertEquals(0.05, cfg.get("lora_dropout").asDouble());
    assertEquals("none", cfg.get("bias").asText());
    assertEquals("Qwen/Qwen2.5-0.5B-Instruct", cfg.get("base_model_name_or_path").asText());
    assertEquals("[\"q_proj\",\"v_proj\"]", cfg.get("target_modules").toString());
    assertEquals("[\"lm_head\"]", cfg.get("modules_to_save").toString());

    try (SafetensorsReader r = SafetensorsReader.open(out.resolve("adapter_model.safetensors"))) {
      assertTrue(
          r.tensors()
              .containsKey("base_model.model.model.layers.1.self_attn.q_proj.lora_A.weight"));
      assertTrue(r.tensors().containsKey("base_model.model.lm_head.weight"));
      assertEquals("pt", r.metadata().get("format"));
    }
    LoraAdapter back = PeftAdapterIO.load(out);
    assertEquals(original.config(), back.config());
    assertEquals(original.tensors(), back.tensors());
  }

  private static Map<String, FloatTensor> withLmHead(Map<String, FloatTensor> t) {
    Map<String, FloatTensor> m = new LinkedHashMap<>(t);
    m.put("lm_head.weight", new FloatTensor(new long[] {2, 2}, new float[] {1, 2, 3, 4}));
    return m;
  }

  @Test
  void refusesWhatItCannotApply() throws IOException {
    writeHandMadeAdapter();
    Path cfg = dir.resolve("adapter_config.json");
    Files.writeString(cfg, PEFT_CONFIG.replace("\"use_rslora\": false", "\"use_rslora\": true"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PeftAdapterIO.load(dir));
    assertTrue(e.getMessage().contains("use_rslora=true"), e.getMessage());

    Files.writeString(cfg, PEFT_CONFIG.replace("\"r\": 2", "\"r\": 4"));
    e = assertThrows(IllegalArgumentException.class, () -> PeftAdapterIO.load(dir));
    assertTrue(e.getMessage().contains("r=4"), e.getMessage());

    Files.writeString(cfg, PEFT_CONFIG.replace("\"r\": 2", "\"r\": 0"));
    e = assertThrows(IllegalArgumentException.class, () -> PeftAdapterIO.load(dir));
    assertTrue(e.getMessage().contains("r=0"), e.getMessage());

    Files.writeString(cfg, PEFT_CONFIG.replace("[\"v_proj\", \"q_proj\"]", "[\"q_proj\"]"));
    e = assertThrows(IllegalArgumentException.class, () -> PeftAdapterIO.load(dir));
    assertTrue(e.getMessage().contains("v_proj"), e.getMessage());

    Files.writeString(cfg, PEFT_CONFIG.replace("\"LORA\"", "\"IA3\""));
    e = assertThrows(IllegalArgumentException.class, () -> PeftAdapterIO.load(dir));
    assertTrue(e.getMessage().contains("peft_type"), e.getMessage());

    Files.delete(cfg);
    assertThrows(UncheckedIOException.class, () -> PeftAdapterIO.load(dir));
  }

  @Test
  void checksShapesAgainstTheBaseModel() throws IOException {
    writeHandMadeAdapter();
    LoraAdapter adapter = PeftAdapterIO.load(dir);
    // The hand-made matrices are 3×4-sized; the tiny model's q_proj is 64×64.
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> adapter.checkAgainst(Qwen2Config.tiny()));
    assertTrue(e.getMessage().contains("q_proj.lora_A"), e.getMessage());

    Qwen2Config tiny = Qwen2Config.tiny();
    Map<String, FloatTensor> fit = new LinkedHashMap<>();
    fit.put(
        LoraAdapter.loraAKey(1, "up_proj"), new FloatTensor(new long[] {2, 64}, new float[128]));
    fit.put(
        LoraAdapter.loraBKey(1, "up_proj"), new FloatTensor(new long[] {128, 2}, new float[256]));
    new LoraAdapter(LoraConfig.of(2, 4), fit).checkAgainst(tiny);
    fit.put(
        LoraAdapter.loraAKey(2, "up_proj"), new FloatTensor(new long[] {2, 64}, new float[128]));
    fit.put(
        LoraAdapter.loraBKey(2, "up_proj"), new FloatTensor(new long[] {128, 2}, new float[256]));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new LoraAdapter(LoraConfig.of(2, 4), fit).checkAgainst(tiny));
    assertTrue(e.getMessage().contains("num_hidden_layers=2"), e.getMessage());
  }

  @Test
  void rejectsUnpairedOrUnknownTensors() {
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    t.put(LoraAdapter.loraAKey(0, "q_proj"), new FloatTensor(new long[] {2, 4}, new float[8]));
    assertThrows(IllegalArgumentException.class, () -> new LoraAdapter(LoraConfig.of(2, 4), t));
    t.put(LoraAdapter.loraBKey(0, "q_proj"), new FloatTensor(new long[] {3, 2}, new float[6]));
    new LoraAdapter(LoraConfig.of(2, 4), t);
    t.put("model.norm.weight", new FloatTensor(new long[] {4}, new float[4]));
    assertThrows(IllegalArgumentException.class, () -> new LoraAdapter(LoraConfig.of(2, 4), t));
  }
}
