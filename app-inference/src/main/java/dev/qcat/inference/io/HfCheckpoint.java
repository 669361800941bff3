package dev.qcat.inference.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.qcat.inference.model.Qwen2Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An HF Qwen2 checkpoint directory, opened and checked: {@code config.json}, {@code
 * model.safetensors} or a sharded {@code model.safetensors.index.json} (its {@code weight_map}
 * names the shard of each tensor), {@code tokenizer.json}, and optionally {@code
 * generation_config.json}.
 *
 * <p>Life cycle: {@link #load} reads the config and every safetensors header and checks that each
 * tensor the config requires is present with the right shape (no tensor data is read yet); {@link
 * #tensor} then reads one tensor at a time, widened to float32, so loading a model never holds more
 * than one tensor on the heap; {@link #close} releases the shard files.
 */
public final class HfCheckpoint implements AutoCloseable {

  /** File names inside a checkpoint directory. */
  public static final String CONFIG = "config.json";

  public static final String SAFETENSORS = "model.safetensors";
  public static final String SAFETENSORS_INDEX = "model.safetensors.index.json";
  public static final String TOKENIZER = "tokenizer.json";
  public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
  public static final String GENERATION_CONFIG = "generation_config.json";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;
  private final Qwen2Config config;
  private final Optional<JsonNode> generationConfig;
  private final Map<String, SafetensorsReader> readerByTensor;
  private final List<SafetensorsReader> readers;

  private HfCheckpoint(
      Path dir,
      Qwen2Config config,
      Optional<JsonNode> generationConfig,
      Map<String, SafetensorsReader> readerByTensor,
      List<SafetensorsReader> readers) {
    this.dir = dir;
    this.config = config;
    this.generationConfig = generationConfig;
    this.readerByTensor = readerByTensor;
    this.readers = readers;
  }

  /**
   * Opens and checks a checkpoint directory.
   *
   * @param dir the directory
   * @return the open checkpoint; the caller closes it. Never null.
   * @throws UncheckedIOException if a required file is missing or unreadable (the message names its
   *     path)
   * @throws IllegalArgumentException if a file is inconsistent: a required tensor is missing or has
   *     the wrong shape (the message names the file, the tensor, the shape found and the one the
   *     config expects), or the shard index names a tensor its shard lacks
   */
  public static HfCheckpoint load(Path dir) {
    Objects.requireNonNull(dir, "checkpoint directory is required.");
    if (!Files.isDirectory(dir)) {
      throw missing(dir, "missing checkpoint directory ");
    }
    Qwen2Config config = Qwen2Config.read(requireFile(dir.resolve(CONFIG)));
    requireFile(dir.resolve(TOKENIZER));
    Optional<JsonNode> generation = Optional.empty();
    Path gen = dir.resolve(GENERATION_CONFIG);
    if (Files.isRegularFile(gen)) {
      try {
        generation = Optional.of(JSON.readTree(gen.toFile()));
      } catch (IOException e) {
        throw new IllegalArgumentException(gen + ": not valid JSON: " + e.getMessage(), e);
      }
    }

    Map<String, SafetensorsReader> byTensor = new LinkedHashMap<>();
    List<SafetensorsReader> readers = new ArrayList<>();
    try {
      Path single = dir.resolve(SAFETENSORS);
      Path index = dir.resolve(SAFETENSORS_INDEX);
      if (Files.isRegularFile(single)) {
        SafetensorsReader r = SafetensorsReader.open(single);
        readers.add(r);
        r.tensors().keySet().forEach(name -> byTensor.put(name, r));
      } else if (Files.isRegularFile(index)) {
        openShards(index, byTensor, readers);
      } else {
        throw new UncheckedIOException(
            "missing " + single.toAbsolutePath() + " (and no " + SAFETENSORS_INDEX + ")",
            new NoSuchFileException(single.toString()));
      }
      checkShapes(config, byTensor);
    } catch (RuntimeException e) {
      readers.forEach(SafetensorsReader::close);
      throw e;
    }
    return new HfCheckpoint(dir, config, generation, byTensor, readers);
  }

  /**
   * @return the checkpoint directory. Never null.
   */
  public Path dir() {
    return dir;
  }

  /**
   * @return the validated {@code config.json}. Never null.
   */
  public Qwen2Config config() {
    return config;
  }

  /**
   * @return the path of {@code tokenizer.json} (checked to exist at load). Never null.
   */
  public Path tokenizerFile() {
    return dir.resolve(TOKENIZER);
  }

  /**
   * @return {@code generation_config.json} if the directory has one
   */
  public Optional<JsonNode> generationConfig() {
    return generationConfig;
  }

  /**
   * @return names of all tensors in the checkpoint's files. Never null.
   */
  public List<String> tensorNames() {
    return List.copyOf(readerByTensor.keySet());
  }

  /**
   * @param name tensor name, e.g. {@link CheckpointKeys#EMBED_TOKENS}
   * @return the storage dtype of that tensor
   * @throws IllegalArgumentException if absent
   */
  public SafetensorsDtype dtype(String name) {
    return reader(name).tensors().get(name).dtype();
  }

  /**
   * @param name tensor name
   * @return the tensor's dimensions (PyTorch order), read from the file header only; a copy
   * @throws IllegalArgumentException if absent
   */
  public long[] shape(String name) {
    return reader(name).tensors().get(name).shape().clone();
  }

  /**
   * Reads one tensor, widened to float32.
   *
   * @param name tensor name
   * @return the tensor. Never null.
   * @throws IllegalArgumentException if the checkpoint has no such tensor
   */
  public FloatTensor tensor(String name) {
    return reader(name).read(name);
  }

  @Override
  public void close() {
    readers.forEach(SafetensorsReader::close);
  }

  private SafetensorsReader reader(String name) {
    SafetensorsReader r = readerByTensor.get(name);
    if (r == null) {
      throw new IllegalArgumentException(dir + ": no tensor named " + name);
    }
    return r;
  }

  private static void openShards(
      Path index, Map<String, SafetensorsReader> byTensor, List<SafetensorsReader> readers) {
    JsonNode root;
    try {
      root = JSON.readTree(index.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException(index + ": not valid JSON: " + e.getMessage(), e);
    }
    JsonNode map = root == null ? null : root.get("weight_map");
    if (map == null || !map.isObject()) {
      throw new IllegalArgumentException(index + ": no \"weight_map\" object");
    }
    Map<String, SafetensorsReader> byShard = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String shardName = e.getValue().asText();
      SafetensorsReader r = byShard.get(shardName);
      if (r == null) {
        Path shard = index.resolveSibling(shardName);
        requireFile(shard);
        r = SafetensorsReader.open(shard);
        byShard.put(shardName, r);
        readers.add(r);
      }
      if (!r.tensors().containsKey(e.getKey())) {
        throw new IllegalArgumentException(
            index
                + ": weight_map puts "
                + e.getKey()
                + " in "
                + shardName
                + " but that file has no such tensor");
      }
      byTensor.put(e.getKey(), r);
    }
  }

  private static void checkShapes(Qwen2Config config, Map<String, SafetensorsReader> byTensor) {
    for (Map.Entry<String, CheckpointKeys.Expected> e :
        CheckpointKeys.expected(config).entrySet()) {
      SafetensorsReader r = byTensor.get(e.getKey());
      if (r == null) {
        throw new IllegalArgumentException(
            (byTensor.isEmpty()
                    ? "checkpoint"
                    : byTensor.values().iterator().next().file().getFileName())
                + ": missing tensor "
                + e.getKey()
                + " (expected shape "
                + Arrays.toString(e.getValue().shape())
                + " from "
                + e.getValue().because()
                + ")");
      }
      long[] found = r.tensors().get(e.getKey()).shape();
      if (!Arrays.equals(found, e.getValue().shape())) {
        throw new IllegalArgumentException(
            r.file().getFileName()
                + ": "
                + e.getKey()
                + " has shape "
                + Arrays.toString(found)
                + " but "
                + e.getValue().because()
                + " expects "
                + Arrays.toString(e.getValue().shape()));
      }
    }
  }

  private static UncheckedIOException missing(Path path, String what) {
    return new UncheckedIOException(
        what + path.toAbsolutePath(), new NoSuchFileException(path.toString()));
  }

  private static Path requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw missing(file, "missing ");
    }
    return file;
  }
}
