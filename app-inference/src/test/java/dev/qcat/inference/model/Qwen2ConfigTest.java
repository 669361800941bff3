package dev.qcat.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Qwen2ConfigTest {

  @TempDir Path dir;

  @Test
  void realShapesHaveHeadDim64AndSevenQueryHeadsPerKvHead() {
    Qwen2Config c = Qwen2Config.qwen25_05b();
    assertEquals(64, c.headDim());
    assertEquals(7, c.numKeyValueGroups());
  }

  @Test
  void writeThenReadRoundTrips() {
    Path f = dir.resolve("config.json");
    Qwen2Config c = Qwen2Config.qwen25_05b();
    c.write(f);
    assertEquals(c, Qwen2Config.read(f));
  }

  @Test
  void readsTheOfficialQwen25ConfigJson() throws Exception {
    String json =
        "{\"architectures\":[\"Qwen2ForCausalLM\"],\"attention_dropout\":0.0,\"bos_token_id\":151643,"
            + "\"eos_token_id\":151645,\"hidden_act\":\"silu\",\"hidden_size\":896,"
            + "\"initializer_range\":0.02,\"intermediate_size\":4864,\"max_position_embeddings\":32768,"
            + "\"max_window_layers\":21,\"model_type\":\"qwen2\",\"num_attention_heads\":14,"
            + "\"num_hidden_layers\":24,\"num_key_value_heads\":2,\"rms_norm_eps\":1e-06,"
            + "\"rope_theta\":1000000.0,\"sliding_window\":32768,\"tie_word_embeddings\":true,"
            + "\"torch_dtype\":\"bfloat16\",\"transformers_version\":\"4.43.1\",\"use_cache\":true,"
            + "\"use_sliding_window\":false,\"vocab_size\":151936}";
    Path f = dir.resolve("config.json");
    Files.writeString(f, json);
    assertEquals(Qwen2Config.qwen25_05b(), Qwen2Config.read(f));
  }

  @Test
  void rejectsOtherModelTypeNamingFileAndValues() {
    Path f = dir.resolve("config.json");
    ObjectNode o = Qwen2Config.tiny().toJson();
    o.put("model_type", "llama");
    write(f, o);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Qwen2Config.read(f));
    assertEquals(f + ": model_type=\"llama\" but expected \"qwen2\"", e.getMessage());
  }

  @Test
  void rejectsInconsistentHeads() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Qwen2Config(100, 64, 128, 2, 4, 3, 512, 1e4, 1e-6, true, 0, 1, "float32"));
    assertEquals(
        "num_attention_heads=4 is not divisible by num_key_value_heads=3 (expected a divisor)",
        e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Qwen2Config(100, 64, 128, 2, 5, 1, 512, 1e4, 1e-6, true, 0, 1, "float32"));
    assertTrue(e.getMessage().startsWith("hidden_size=64 is not divisible"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Qwen2Config(100, 64, 128, 2, 4, 2, 512, 1e4, 1e-6, true, 0, 100, "float32"));
    assertEquals(
        "eos_token_id=100 is outside the vocabulary (expected in [0, 100))", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new Qwen2Config(100, 64, 128, 2, 4, 2, 512, 1e4, 1e-6, true, 0, 1, "int8"));
    assertTrue(e.getMessage().contains("torch_dtype=\"int8\""), e.getMessage());
  }

  @Test
  void rejectsMissingFieldAndUnsupportedFeatures() {
    Path f = dir.resolve("config.json");
    ObjectNode o = Qwen2Config.tiny().toJson();
    o.remove("hidden_size");
    write(f, o);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Qwen2Config.read(f));
    assertEquals(f + ": hidden_size is missing (expected an integer)", e.getMessage());

    o = Qwen2Config.tiny().toJson();
    o.put("use_sliding_window", true);
    write(f, o);
    e = assertThrows(IllegalArgumentException.class, () -> Qwen2Config.read(f));
    assertTrue(e.getMessage().contains("use_sliding_window=true"), e.getMessage());

    o = Qwen2Config.tiny().toJson();
    o.putObject("rope_scaling").put("type", "yarn");
    write(f, o);
    e = assertThrows(IllegalArgumentException.class, () -> Qwen2Config.read(f));
    assertTrue(e.getMessage().contains("rope_scaling"), e.getMessage());
  }

  private static void write(Path f, ObjectNode o) {
    try {
      Files.writeString(f, new ObjectMapper().writeValueAsString(o));
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
