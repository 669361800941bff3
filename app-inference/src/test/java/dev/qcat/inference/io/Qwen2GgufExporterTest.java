package dev.qcat.inference.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.RandomCheckpoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Qwen2 → GGUF export on a hand-made byte-level BPE tokenizer and a 2-layer model, checked field by
 * field against REFERENCE.md's qwen2 GGUF table. llama.cpp loading the result is checked by {@code
 * LlamaCppParityTest}.
 */
class Qwen2GgufExporterTest {

  /** vocab 24: BPE ids 0..5, added 8..12, the rest undefined (padding). hidden 16, 2 layers. */
  private static final Qwen2Config CONFIG =
      new Qwen2Config(24, 16, 32, 2, 4, 2, 4096, 1_000_000.0, 1e-6, true, 8, 8, "float32");

  @TempDir Path dir;

  private Path tokenizer(String merges, boolean withConfig) throws IOException {
    Path t = dir.resolve("tokenizer.json");
    Files.writeString(
        t,
        """
        {"version": "1.0",
         "added_tokens": [
          {"id": 8, "content": "<|endoftext|>", "special": true},
          {"id": 9, "content": "<|im_start|>", "special": true},
          {"id": 10, "content": "<|im_end|>", "special": true},
          {"id": 11, "content": "<tool_call>", "special": false},
          {"id": 12, "content": "<|fim_prefix|>", "special": false}],
         "model": {"type": "BPE",
          "vocab": {"a": 0, "b": 1, "ab": 2, "Ġ": 3, "Ġa": 4, "é": 5},
          "merges": %s}}
        """
            .formatted(merges));
    if (withConfig) {
      Files.writeString(
          dir.resolve("tokenizer_config.json"),
          """
          {"add_bos_token": false, "bos_token": null, "eos_token": "<|im_end|>",
           "pad_token": "<|endoftext|>", "chat_template": "{{ messages }}"}
          """);
    }
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
        data[i] = (float) random.nextGaussian();
      }
      tensors.put(e.getKey(), new FloatTensor(shape, data));
    }
    return tensors;
  }

  @Test
  void mapsHfNamesToGgufNames() {
    assertEquals(
        "token_embd.weight", Qwen2GgufExporter.ggufName("model.embed_tokens.weight").orElseThrow());
    assertEquals(
        "output_norm.weight", Qwen2GgufExporter.ggufName("model.norm.weight").orElseThrow());
    assertEquals("output.weight", Qwen2GgufExporter.ggufName("lm_head.weight").orElseThrow());
    Map<String, String> layer =
        Map.ofEntries(
            Map.entry("input_layernorm.weight", "attn_norm.weight"),
            Map.entry("self_attn.q_proj.weight", "attn_q.weight"),
            Map.entry("self_attn.q_proj.bias", "attn_q.bias"),
            Map.entry("self_attn.k_proj.weight", "attn_k.weight"),
            Map.entry("self_attn.k_proj.bias", "attn_k.bias"),
            Map.entry("self_attn.v_proj.weight", "attn_v.weight"),
            Map.entry("self_attn.v_proj.bias", "attn_v.bias"),
            Map.entry("self_attn.o_proj.weight", "attn_output.weight"),
            Map.entry("post_attention_layernorm.weight", "ffn_norm.weight"),
            Map.entry("mlp.gate_proj.weight", "ffn_gate.weight"),
            Map.entry("mlp.up_proj.weight", "ffn_up.weight"),
            Map.entry("mlp.down_proj.weight", "ffn_down.weight"));
    layer.forEach(
        (hf, gguf) ->
            assertEquals(
                "blk.23." + gguf,
                Qwen2GgufExporter.ggufName("model.layers.23." + hf).orElseThrow()));
    assertEquals(Optional.empty(), Qwen2GgufExporter.ggufName("model.layers.x.mlp.up_proj.weight"));
    assertEquals(Optional.empty(), Qwen2GgufExporter.ggufName("model.rotary_emb.inv_freq"));
  }

  @Test
  void writesQwen2HyperparametersAndTokenizer() throws IOException {
    Path out = dir.resolve("m.gguf");
    Qwen2GgufExporter.export(
        CONFIG, randomTensors(CONFIG, 1), tokenizer("[\"a b\", \"Ġ a\"]", true), GgufType.F32, out);
    try (GgufReader r = GgufReader.open(out)) {
      assertEquals("qwen2", r.getString("general.architecture"));
      assertEquals(32, r.getLong("general.alignment"));
      assertEquals(0, r.getLong("general.file_type"));
      assertEquals(4096, r.getLong("qwen2.context_length"));
      assertEquals(16, r.getLong("qwen2.embedding_length"));
      assertEquals(2, r.getLong("qwen2.block_count"));
      assertEquals(32, r.getLong("qwen2.feed_forward_length"));
      assertEquals(4, r.getLong("qwen2.attention.head_count"));
      assertEquals(2, r.getLong("qwen2.attention.head_count_kv"));
      assertEquals(1_000_000f, r.getFloat32("qwen2.rope.freq_base"));
      assertEquals(1e-6f, r.getFloat32("qwen2.attention.layer_norm_rms_epsilon"));

      assertEquals("gpt2", r.getString("tokenizer.ggml.model"));
      assertEquals("qwen2", r.getString("tokenizer.ggml.pre"));
      List<String> tokens = r.getStringArray("tokenizer.ggml.tokens");
      assertEquals(24, tokens.size());
      assertEquals(
          List.of("a", "b", "ab", "Ġ", "Ġa", "é", "[PAD6]", "[PAD7]"), tokens.subList(0, 8));
      assertEquals("<|endoftext|>", tokens.get(8));
      assertEquals("<|fim_prefix|>", tokens.get(12));
      assertEquals("[PAD23]", tokens.get(23));
      int[] types = r.getInt32Array("tokenizer.ggml.token_type");
      assertArrayEquals(
          new int[] {1, 1, 1, 1, 1, 1, 4, 4, 3, 3, 3, 4, 3, 4}, java.util.Arrays.copyOf(types, 14));
      assertEquals(4, types[23]);
      assertEquals(List.of("a b", "Ġ a"), r.getStringArray("tokenizer.ggml.merges"));
      assertEquals(8, r.getLong("tokenizer.ggml.bos_token_id")); // config.json's bos_token_id
      assertEquals(10, r.getLong("tokenizer.ggml.eos_token_id")); // tokenizer_config's eos_token
      assertEquals(8, r.getLong("tokenizer.ggml.padding_token_id"));
      assertFalse(r.getBool("tokenizer.ggml.add_bos_token"));
      assertEquals("{{ messages }}", r.getString("tokenizer.chat_template"));
    }
  }

  @Test
  void readsMergesWrittenAsPairsAndWorksWithoutTokenizerConfig() throws IOException {
    Path out = dir.resolve("m.gguf");
    Qwen2GgufExporter.export(
        CONFIG,
        randomTensors(CONFIG, 2),
        tokenizer("[[\"a\", \"b\"], [\"Ġ\", \"a\"]]", false),
        GgufType.F32,
        out);
    try (GgufReader r = GgufReader.open(out)) {
      assertEquals(List.of("a b", "Ġ a"), r.getStringArray("tokenizer.ggml.merges"));
      assertEquals(8, r.getLong("tokenizer.ggml.eos_token_id")); // config.json's eos_token_id
      assertEquals(8, r.getLong("tokenizer.ggml.padding_token_id")); // falls back to eos
      assertTrue(r.value("tokenizer.chat_template").isEmpty());
    }
  }

  @Test
  void writesWeightsAsStoredWithReversedDimensions() throws IOException {
    Map<String, FloatTensor> tensors = randomTensors(CONFIG, 3);
    Path out = dir.resolve("m.gguf");
    Qwen2GgufExporter.export(CONFIG, tensors, tokenizer("[\"a b\"]", true), GgufType.F32, out);
    try (GgufReader r = GgufReader.open(out)) {
      // 1 embedding + 12 per layer + final norm; tied, so no output.weight
      assertEquals(1 + 12 * 2 + 1, r.tensors().size());
      assertTrue(r.tensor("output.weight").isEmpty());
      assertArrayEquals(new long[] {16, 24}, r.tensor("token_embd.weight").orElseThrow().ne());
      assertArrayEquals(new long[] {16, 8}, r.tensor("blk.0.attn_k.weight").orElseThrow().ne());
      assertArrayEquals(new long[] {8}, r.tensor("blk.0.attn_k.bias").orElseThrow().ne());
      assertArrayEquals(new long[] {32, 16}, r.tensor("blk.1.ffn_down.weight").orElseThrow().ne());
      for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
        String name = Qwen2GgufExporter.ggufName(e.getKey()).orElseThrow();
        assertEquals(GgufType.F32, r.tensor(name).orElseThrow().type().orElseThrow());
        assertArrayEquals(e.getValue().data(), r.readTensor(name), name);
      }
    }
  }

  @Test
  void f16ExportKeepsOneDimensionalTensorsInF32AndWritesUntiedHead() throws IOException {
    Qwen2Config untied =
        new Qwen2Config(24, 16, 32, 2, 4, 2, 4096, 10_000.0, 1e-5, false, 8, 10, "float32");
    Map<String, FloatTensor> tensors = randomTensors(untied, 4);
    Path out = dir.resolve("m.gguf");
    Qwen2GgufExporter.export(untied, tensors, tokenizer("[\"a b\"]", true), GgufType.F16, out);
    try (GgufReader r = GgufReader.open(out)) {
      assertEquals(1, r.getLong("general.file_type"));
      assertEquals(10_000f, r.getFloat32("qwen2.rope.freq_base"));
      assertEquals(1e-5f, r.getFloat32("qwen2.attention.layer_norm_rms_epsilon"));
      assertArrayEquals(new long[] {16, 24}, r.tensor("output.weight").orElseThrow().ne());
      for (Map.Entry<String, FloatTensor> e : tensors.entrySet()) {
        String name = Qwen2GgufExporter.ggufName(e.getKey()).orElseThrow();
        float[] data = e.getValue().data();
        boolean oneD = e.getValue().shape().length == 1;
        assertEquals(
            oneD ? GgufType.F32 : GgufType.F16,
            r.tensor(name).orElseThrow().type().orElseThrow(),
            name);
        float[] back = r.readTensor(name);
        for (int i = 0; i < data.length; i++) {
          float want = oneD ? data[i] : HalfFloats.f16ToFloat(HalfFloats.floatToF16(data[i]));
          assertEquals(want, back[i], name + "[" + i + "]");
        }
      }
    }
  }

  @Test
  void rejectsMissingMisshapedAndUnknownTensors() throws IOException {
    Path tok = tokenizer("[\"a b\"]", true);
    Path out = dir.resolve("m.gguf");

    Map<String, FloatTensor> missing = randomTensors(CONFIG, 5);
    missing.remove("model.layers.1.self_attn.v_proj.bias");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Qwen2GgufExporter.export(CONFIG, missing, tok, GgufType.F32, out));
    assertTrue(
        e.getMessage().contains("missing model.layers.1.self_attn.v_proj.bias"), e.getMessage());

    Map<String, FloatTensor> misshaped = randomTensors(CONFIG, 6);
    misshaped.put("model.norm.weight", new FloatTensor(new long[] {15}, new float[15]));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Qwen2GgufExporter.export(CONFIG, misshaped, tok, GgufType.F32, out));
    assertTrue(
        e.getMessage().contains("model.norm.weight has shape [15] but expected [16]"),
        e.getMessage());

    Map<String, FloatTensor> unknown = randomTensors(CONFIG, 7);
    unknown.put("model.rotary_emb.inv_freq", new FloatTensor(new long[] {4}, new float[4]));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Qwen2GgufExporter.export(CONFIG, unknown, tok, GgufType.F32, out));
    assertTrue(
        e.getMessage().contains("unexpected tensor model.rotary_emb.inv_freq"), e.getMessage());
    assertFalse(Files.exists(out));
  }

  @Test
  void exportsAnHfCheckpointDirectoryStoredInBf16() throws IOException {
    Path ckptDir = dir.resolve("ckpt");
    Qwen2Config written =
        RandomCheckpoint.write(
            ckptDir,
            Qwen2Config.tiny(),
            SafetensorsDtype.BF16,
            11,
            RandomCheckpoint.TokenizerKind.BYTE_LEVEL,
            null);
    Path out = dir.resolve("ckpt.gguf");
    try (HfCheckpoint checkpoint = HfCheckpoint.load(ckptDir)) {
      Qwen2GgufExporter.export(checkpoint, GgufType.F32, out);
      try (GgufReader r = GgufReader.open(out)) {
        assertEquals(written.vocabSize(), r.getStringArray("tokenizer.ggml.tokens").size());
        assertEquals(written.eosTokenId(), r.getLong("tokenizer.ggml.eos_token_id"));
        for (String name : checkpoint.tensorNames()) {
          String gguf = Qwen2GgufExporter.ggufName(name).orElseThrow();
          // bf16 widened on read is exact in F32
          assertArrayEquals(checkpoint.tensor(name).data(), r.readTensor(gguf), gguf);
        }
      }
    }
  }

  @Test
  void rejectsATokenizerLargerThanTheVocabulary() throws IOException {
    Qwen2Config small = CONFIG.withVocabSize(12); // <|fim_prefix|> has id 12
    Path tok = tokenizer("[\"a b\"]", true);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Qwen2GgufExporter.export(
                    small, randomTensors(small, 8), tok, GgufType.F32, dir.resolve("m.gguf")));
    assertTrue(e.getMessage().contains("<|fim_prefix|> has id 12"), e.getMessage());
  }
}
