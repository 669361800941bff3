package dev.qcat.inference.lora;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.io.SafetensorsReader;
import dev.qcat.inference.io.SafetensorsWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Reads and writes LoRA adapters in PEFT's directory layout, so adapters move between qcat, HF PEFT
 * ({@code PeftModel.from_pretrained}) and vLLM:
 *
 * <ul>
 *   <li>{@code adapter_config.json}: {@code peft_type} LORA, {@code task_type} CAUSAL_LM, {@code
 *       r}, {@code lora_alpha}, {@code lora_dropout}, {@code target_modules}, {@code bias}, {@code
 *       base_model_name_or_path}, {@code modules_to_save} (null when none), and PEFT's defaults for
 *       the rest ({@code fan_in_fan_out} false, {@code use_rslora} false, {@code use_dora} false);
 *   <li>{@code adapter_model.safetensors}: PEFT's keys, i.e. the module path under {@code
 *       base_model.model.} without the adapter name: {@code
 *       base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight}, {@code …lora_B.weight},
 *       {@code …mlp.down_proj.lora_A.weight}, and {@code
 *       base_model.model.model.embed_tokens.weight} / {@code base_model.model.lm_head.weight} for
 *       modules to save.
 * </ul>
 *
 * <p>Reference: PEFT {@code utils/save_and_load.py} ({@code get_peft_model_state_dict} removes the
 * adapter name; {@code set_peft_model_state_dict} puts it back), {@code tuners/lora/config.py}.
 * Configurations PEFT can express but this engine does not compute (rsLoRA, DoRA, per-layer rank or
 * alpha patterns, {@code fan_in_fan_out}, regex target modules) are refused on load with a message
 * naming the field, never silently mis-applied.
 */
public final class PeftAdapterIO {

  /** The configuration file name. */
  public static final String CONFIG_FILE = "adapter_config.json";

  /** The weights file name. */
  public static final String WEIGHTS_FILE = "adapter_model.safetensors";

  /** Prefix PEFT puts before the base model's module paths. */
  public static final String KEY_PREFIX = "base_model.model.";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private PeftAdapterIO() {}

  /**
   * Writes {@code adapter_config.json} and {@code adapter_model.safetensors} (F32) into {@code
   * dir}, creating it if needed. Existing files of those names are replaced atomically.
   *
   * @param dir the adapter directory
   * @param adapter the adapter
   * @throws UncheckedIOException if a file cannot be written
   */
  public static void save(Path dir, LoraAdapter adapter) {
    Objects.requireNonNull(dir, "dir is required.");
    Objects.requireNonNull(adapter, "adapter is required.");
    try {
      Files.createDirectories(dir);
      Path tmp = dir.resolve(CONFIG_FILE + ".tmp");
      JSON.writeValue(tmp.toFile(), configJson(adapter.config()));
      Files.move(
          tmp,
          dir.resolve(CONFIG_FILE),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + dir.resolve(CONFIG_FILE), e);
    }
    Map<String, FloatTensor> prefixed = new TreeMap<>();
    adapter.tensors().forEach((k, v) -> prefixed.put(KEY_PREFIX + k, v));
    SafetensorsWriter.write(dir.resolve(WEIGHTS_FILE), SafetensorsDtype.F32, prefixed);
  }

  /**
   * Reads an adapter directory written by qcat or by PEFT. Tensors stored as F16 or BF16 are
   * widened to float32.
   *
   * @param dir the adapter directory
   * @return the adapter. Never null.
   * @throws UncheckedIOException if a file is missing or unreadable (the message names it)
   * @throws IllegalArgumentException if the configuration is not a LoRA configuration this engine
   *     can apply, or a tensor name or shape does not fit it (the message names the field or
   *     tensor)
   */
  public static LoraAdapter load(Path dir) {
    Objects.requireNonNull(dir, "dir is required.");
    LoraConfig config = readConfig(dir.resolve(CONFIG_FILE));
    Path weights = dir.resolve(WEIGHTS_FILE);
    if (!Files.isRegularFile(weights)) {
      throw new UncheckedIOException(
          "missing " + weights + " (adapter_model.bin, PEFT's pickle format, is not read)",
          new NoSuchFileException(weights.toString()));
    }
    Map<String, FloatTensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, FloatTensor> e : SafetensorsReader.readAll(weights).entrySet()) {
      String key = e.getKey();
      if (!key.startsWith(KEY_PREFIX)) {
        throw new IllegalArgumentException(
            weights + ": tensor " + key + " does not start with PEFT's prefix " + KEY_PREFIX);
      }
      tensors.put(key.substring(KEY_PREFIX.length()), e.getValue());
    }
    try {
      return new LoraAdapter(config, tensors);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(weights + ": " + e.getMessage(), e);
    }
  }

  /**
   * The JSON PEFT writes for a LoRA configuration.
   *
   * @param c the configuration
   * @return a JSON object, keys sorted as PEFT sorts them. Never null.
   */
  static ObjectNode configJson(LoraConfig c) {
    ObjectNode n = JSON.createObjectNode();
    n.putObject("alpha_pattern");
    n.put(
        "base_model_name_or_path",
        c.baseModelNameOrPath().isEmpty() ? null : c.baseModelNameOrPath());
    n.put("bias", c.bias());
    n.put("fan_in_fan_out", false);
    n.put("inference_mode", true);
    n.put("init_lora_weights", true);
    n.putNull("layers_to_transform");
    n.put("lora_alpha", c.alpha());
    n.put("lora_dropout", c.dropout());
    if (c.modulesToSave().isEmpty()) {
      n.putNull("modules_to_save");
    } else {
      ArrayNode m = n.putArray("modules_to_save");
      c.modulesToSave().forEach(m::add);
    }
    n.put("peft_type", "LORA");
    n.put("r", c.r());
    n.putObject("rank_pattern");
    n.putNull("revision");
    ArrayNode t = n.putArray("target_modules");
    c.targetModules().forEach(t::add);
    n.put("task_type", "CAUSAL_LM");
    n.put("use_dora", false);
    n.put("use_rslora", false);
    // Jackson keeps insertion order; re-insert sorted, as PEFT's json.dumps(sort_keys=True) does.
    ObjectNode sorted = JSON.createObjectNode();
    new TreeMap<String, JsonNode>(toMap(n)).forEach(sorted::set);
    return sorted;
  }

  private static Map<String, JsonNode> toMap(ObjectNode n) {
    Map<String, JsonNode> m = new LinkedHashMap<>();
    n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
    return m;
  }

  /**
   * Parses {@code adapter_config.json}.
   *
   * @param file the configuration file
   * @return the configuration. Never null.
   * @throws UncheckedIOException if the file is missing or unreadable
   * @throws IllegalArgumentException if it is not a LoRA configuration this engine can apply
   */
  public static LoraConfig readConfig(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UncheckedIOException("missing " + file, new NoSuchFileException(file.toString()));
    }
    JsonNode n;
    try {
      n = JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException(file + " is not a JSON object");
    }
    String peftType = n.path("peft_type").asText("");
    if (!peftType.equals("LORA")) {
      throw new IllegalArgumentException(
          file + ": peft_type=\"" + peftType + "\" (supported: \"LORA\")");
    }
    String taskType = n.path("task_type").asText("CAUSAL_LM");
    if (!n.path("task_type").isNull() && !taskType.equals("CAUSAL_LM")) {
      throw new IllegalArgumentException(
          file + ": task_type=\"" + taskType + "\" (supported: \"CAUSAL_LM\")");
    }
    refuseIfTrue(file, n, "use_rslora");
    refuseIfTrue(file, n, "use_dora");
    refuseIfTrue(file, n, "fan_in_fan_out");
    refuseIfNonEmpty(file, n, "rank_pattern");
    refuseIfNonEmpty(file, n, "alpha_pattern");
    if (!n.path("layers_to_transform").isMissingNode() && !n.path("layers_to_transform").isNull()) {
      throw new IllegalArgumentException(
          file + ": layers_to_transform=" + n.get("layers_to_transform") + " (supported: null)");
    }
    if (!n.hasNonNull("r") || !n.get("r").canConvertToInt()) {
      throw new IllegalArgumentException(file + ": missing integer field r");
    }
    if (!n.hasNonNull("lora_alpha") || !n.get("lora_alpha").isNumber()) {
      throw new IllegalArgumentException(file + ": missing number field lora_alpha");
    }
    List<String> targets = targetModules(file, n.path("target_modules"));
    List<String> toSave = new ArrayList<>();
    JsonNode save = n.path("modules_to_save");
    if (save.isArray()) {
      save.forEach(s -> toSave.add(s.asText()));
    } else if (!save.isMissingNode() && !save.isNull()) {
      throw new IllegalArgumentException(
          file + ": modules_to_save=" + save + " (expected a list of names or null)");
    }
    try {
      return new LoraConfig(
          n.get("r").asInt(),
          n.get("lora_alpha").asDouble(),
          n.path("lora_dropout").asDouble(0.0),
          targets,
          n.path("bias").asText("none"),
          toSave,
          n.path("base_model_name_or_path").isTextual()
              ? n.get("base_model_name_or_path").asText()
              : "");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static List<String> targetModules(Path file, JsonNode t) {
    List<String> targets = new ArrayList<>();
    if (t.isArray()) {
      t.forEach(s -> targets.add(s.asText()));
      // PEFT writes target_modules from a Python set: any order. Keep qcat's canonical order.
      List<String> ordered = new ArrayList<>();
      for (String m : LoraConfig.DEFAULT_TARGET_MODULES) {
        if (targets.contains(m)) {
          ordered.add(m);
        }
      }
      for (String m : targets) {
        if (!ordered.contains(m)) {
          ordered.add(m); // unknown: LoraConfig rejects it with its name
        }
      }
      return ordered;
    }
    if (t.isTextual()) {
      String s = t.asText();
      if (s.equals("all-linear")) {
        return LoraConfig.DEFAULT_TARGET_MODULES;
      }
      if (LoraConfig.DEFAULT_TARGET_MODULES.contains(s)) {
        return List.of(s);
      }
      throw new IllegalArgumentException(
          file
              + ": target_modules=\""
              + s
              + "\" is a regular expression (supported: a list of names, or \"all-linear\")");
    }
    throw new IllegalArgumentException(
        file + ": target_modules=" + t + " (expected a list of module names)");
  }

  private static void refuseIfTrue(Path file, JsonNode n, String field) {
    if (n.path(field).asBoolean(false)) {
      throw new IllegalArgumentException(file + ": " + field + "=true (supported: false)");
    }
  }

  private static void refuseIfNonEmpty(Path file, JsonNode n, String field) {
    JsonNode v = n.path(field);
    if (v.isObject() && v.size() > 0) {
      throw new IllegalArgumentException(file + ": " + field + "=" + v + " (supported: {})");
    }
  }
}
