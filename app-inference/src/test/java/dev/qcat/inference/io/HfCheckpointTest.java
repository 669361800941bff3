package dev.qcat.inference.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.RandomCheckpoint;
import dev.qcat.inference.model.RandomCheckpoint.TokenizerKind;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HfCheckpointTest {

  @TempDir Path dir;

  private Qwen2Config writeTiny(Path d, SafetensorsDtype dtype) {
    return RandomCheckpoint.write(d, Qwen2Config.tiny(), dtype, 3, TokenizerKind.BYTE_LEVEL, null);
  }

  @Test
  void loadsGeneratedCheckpointInEveryDtype() {
    for (SafetensorsDtype dtype : SafetensorsDtype.values()) {
      Path d = dir.resolve(dtype.name());
      Qwen2Config written = writeTiny(d, dtype);
      try (HfCheckpoint ckpt = HfCheckpoint.load(d)) {
        assertEquals(written, ckpt.config());
        assertEquals(dtype.torchName(), ckpt.config().torchDtype());
        assertEquals(dtype, ckpt.dtype(CheckpointKeys.EMBED_TOKENS));
        assertTrue(ckpt.generationConfig().isPresent());
        String q = CheckpointKeys.layer(CheckpointKeys.Q_PROJ_WEIGHT, 1);
        float[] stored = ckpt.tensor(q).data();
        float[] drawn = RandomCheckpoint.randomTensor(q, new long[] {64, 64}, written, 3);
        for (int i = 0; i < drawn.length; i++) {
          float want =
              switch (dtype) {
                case F32 -> drawn[i];
                case F16 -> HalfFloats.f16ToFloat(HalfFloats.floatToF16(drawn[i]));
                case BF16 -> HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(drawn[i]));
              };
          assertEquals(want, stored[i], 0f);
        }
      }
    }
  }

  @Test
  void loadsShardedIndex() throws Exception {
    Path single = dir.resolve("single");
    writeTiny(single, SafetensorsDtype.F32);
    Map<String, FloatTensor> all = SafetensorsReader.readAll(single.resolve("model.safetensors"));
    Path sharded = dir.resolve("sharded");
    Files.createDirectories(sharded);
    for (String f : new String[] {"config.json", "tokenizer.json", "tokenizer_config.json"}) {
      Files.copy(single.resolve(f), sharded.resolve(f));
    }
    Map<String, FloatTensor> a = new LinkedHashMap<>();
    Map<String, FloatTensor> b = new LinkedHashMap<>();
    ObjectNode index = new ObjectMapper().createObjectNode();
    index.putObject("metadata").put("total_size", 0);
    ObjectNode map = index.putObject("weight_map");
    for (var e : all.entrySet()) {
      boolean first = e.getKey().contains("layers.0.") || e.getKey().contains("embed");
      (first ? a : b).put(e.getKey(), e.getValue());
      map.put(
          e.getKey(),
          first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors");
    }
    SafetensorsWriter.write(
        sharded.resolve("model-00001-of-00002.safetensors"), SafetensorsDtype.BF16, a);
    SafetensorsWriter.write(
        sharded.resolve("model-00002-of-00002.safetensors"), SafetensorsDtype.F32, b);
    Files.writeString(sharded.resolve("model.safetensors.index.json"), index.toString());
    try (HfCheckpoint ckpt = HfCheckpoint.load(sharded)) {
      assertTrue(ckpt.generationConfig().isEmpty());
      assertEquals(all.keySet(), new java.util.HashSet<>(ckpt.tensorNames()));
      assertArrayEquals(
          all.get("model.norm.weight").data(), ckpt.tensor("model.norm.weight").data());
      assertEquals(SafetensorsDtype.BF16, ckpt.dtype(CheckpointKeys.EMBED_TOKENS));
    }

    // an index naming a shard that lacks the tensor
    map.put("model.norm.weight", "model-00001-of-00002.safetensors");
    Files.writeString(sharded.resolve("model.safetensors.index.json"), index.toString());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.load(sharded));
    assertTrue(
        e.getMessage().contains("weight_map puts model.norm.weight in model-00001-of-00002"),
        e.getMessage());

    // a missing shard file
    map.put("model.norm.weight", "model-00003-of-00002.safetensors");
    Files.writeString(sharded.resolve("model.safetensors.index.json"), index.toString());
    UncheckedIOException m =
        assertThrows(UncheckedIOException.class, () -> HfCheckpoint.load(sharded));
    assertTrue(
        m.getMessage().contains("missing") && m.getMessage().contains("model-00003"),
        m.getMessage());
  }

  @Test
  void wrongShapeNamesFileTensorFoundAndExpected() {
    Qwen2Config c = writeTiny(dir, SafetensorsDtype.F32);
    Map<String, FloatTensor> all = SafetensorsReader.readAll(dir.resolve("model.safetensors"));
    String q = CheckpointKeys.layer(CheckpointKeys.Q_PROJ_WEIGHT, 0);
    all.put(q, new FloatTensor(new long[] {64, 32}, new float[64 * 32]));
    SafetensorsWriter.write(dir.resolve("model.safetensors"), SafetensorsDtype.F32, all);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.load(dir));
    assertEquals(
        "model.safetensors: model.layers.0.self_attn.q_proj.weight has shape [64, 32] but"
            + " num_attention_heads*head_dim=64, hidden_size=64 expects [64, 64]",
        e.getMessage());
    assertEquals(64, c.hiddenSize());
  }

  @Test
  void missingTensorIsNamed() {
    writeTiny(dir, SafetensorsDtype.F32);
    Map<String, FloatTensor> all = SafetensorsReader.readAll(dir.resolve("model.safetensors"));
    all.remove("model.layers.1.mlp.down_proj.weight");
    SafetensorsWriter.write(dir.resolve("model.safetensors"), SafetensorsDtype.F32, all);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> HfCheckpoint.load(dir));
    assertTrue(
        e.getMessage()
            .startsWith("model.safetensors: missing tensor model.layers.1.mlp.down_proj.weight"),
        e.getMessage());
    assertTrue(e.getMessage().contains("[64, 128]"), e.getMessage());
  }

  @Test
  void missingFilesAreNamedWithTheirPath() throws Exception {
    writeTiny(dir, SafetensorsDtype.F32);
    Files.delete(dir.resolve("model.safetensors"));
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> HfCheckpoint.load(dir));
    assertTrue(
        e.getMessage().contains(dir.resolve("model.safetensors").toAbsolutePath().toString()),
        e.getMessage());

    Files.delete(dir.resolve("tokenizer.json"));
    e = assertThrows(UncheckedIOException.class, () -> HfCheckpoint.load(dir));
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());

    Files.delete(dir.resolve("config.json"));
    e = assertThrows(UncheckedIOException.class, () -> HfCheckpoint.load(dir));
    assertEquals("missing " + dir.resolve("config.json").toAbsolutePath(), e.getMessage());

    e = assertThrows(UncheckedIOException.class, () -> HfCheckpoint.load(dir.resolve("nope")));
    assertTrue(e.getMessage().contains("nope"), e.getMessage());
  }
}
