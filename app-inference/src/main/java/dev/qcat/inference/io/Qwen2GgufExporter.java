package dev.qcat.inference.io;

import dev.qcat.inference.model.Qwen2Config;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Exports a Qwen2 checkpoint held as float32 tensors with HF names to a GGUF file that llama.cpp
 * loads as architecture {@code qwen2}: hyperparameters, the byte-level BPE tokenizer with its chat
 * template, and the tensors renamed to GGUF names.
 *
 * <p>Weights are written as they are, HF {@code [out, in]} row-major, with GGUF {@code ne = [in,
 * out]} (the reverse of the PyTorch shape); qwen2 needs no Q/K permutation. 2-D tensors are stored
 * in the requested type (F32, F16, Q8_0 or Q4_0), except the output tensor: {@code output.weight},
 * or with tied embeddings {@code token_embd.weight}, which a Q4_0 export writes as Q8_0 unless
 * asked to be pure ({@link #outputType}), as {@code llama-quantize} gives the output tensor a
 * higher-precision type than the rest; 1-D tensors (norms, biases) always in F32. With {@code
 * tie_word_embeddings} no {@code output.weight} is written and llama.cpp reuses {@code
 * token_embd.weight}.
 *
 * <p>Reference: llama.cpp {@code convert_hf_to_gguf.py} ({@code Qwen2Model}) and {@code
 * gguf-py/gguf/tensor_mapping.py}; ../shared/REFERENCE.md "GGUF for architecture qwen2".
 */
public final class Qwen2GgufExporter {

  /** llama.cpp architecture name. */
  public static final String ARCHITECTURE = "qwen2";

  private static final String[][] LAYER_NAMES = {
    {"input_layernorm.weight", "attn_norm.weight"},
    {"self_attn.q_proj.weight", "attn_q.weight"},
    {"self_attn.q_proj.bias", "attn_q.bias"},
    {"self_attn.k_proj.weight", "attn_k.weight"},
    {"self_attn.k_proj.bias", "attn_k.bias"},
    {"self_attn.v_proj.weight", "attn_v.weight"},
    {"self_attn.v_proj.bias", "attn_v.bias"},
    {"self_attn.o_proj.weight", "attn_output.weight"},
    {"post_attention_layernorm.weight", "ffn_norm.weight"},
    {"mlp.gate_proj.weight", "ffn_gate.weight"},
    {"mlp.up_proj.weight", "ffn_up.weight"},
    {"mlp.down_proj.weight", "ffn_down.weight"},
  };

  private Qwen2GgufExporter() {}

  /**
   * The GGUF name of an HF Qwen2 tensor name.
   *
   * @param hfName e.g. {@code model.layers.3.self_attn.q_proj.bias}
   * @return e.g. {@code blk.3.attn_q.bias}, or empty if the name is not a Qwen2 tensor
   */
  public static Optional<String> ggufName(String hfName) {
    switch (hfName) {
      case "model.embed_tokens.weight":
        return Optional.of("token_embd.weight");
      case "model.norm.weight":
        return Optional.of("output_norm.weight");
      case "lm_head.weight":
        return Optional.of("output.weight");
      default:
        break;
    }
    String prefix = "model.layers.";
    if (!hfName.startsWith(prefix)) {
      return Optional.empty();
    }
    int dot = hfName.indexOf('.', prefix.length());
    if (dot < 0) {
      return Optional.empty();
    }
    String layer = hfName.substring(prefix.length(), dot);
    if (layer.isEmpty() || !layer.chars().allMatch(Character::isDigit)) {
      return Optional.empty();
    }
    String rest = hfName.substring(dot + 1);
    for (String[] pair : LAYER_NAMES) {
      if (pair[0].equals(rest)) {
        return Optional.of("blk." + Integer.parseInt(layer) + "." + pair[1]);
      }
    }
    return Optional.empty();
  }

  /**
   * Exports an opened HF checkpoint, reading one tensor at a time while writing.
   *
   * @param checkpoint the checkpoint (config, tensors, {@code tokenizer.json}; {@code
   *     tokenizer_config.json} next to it supplies the chat template and special tokens)
   * @param type storage type of the 2-D weights, token embedding included ({@link GgufType#F32},
   *     {@link GgufType#F16}, {@link GgufType#Q8_0} or {@link GgufType#Q4_0}); 1-D tensors are
   *     always F32
   * @param out destination file; replaced if it exists
   * @return size of the written file, in bytes
   * @throws IllegalArgumentException if the checkpoint holds a tensor qwen2 GGUF has no name for,
   *     or the tokenizer does not fit the vocabulary
   * @throws IOException if the tokenizer files cannot be read or the file cannot be written
   */
  public static long export(HfCheckpoint checkpoint, GgufType type, Path out) throws IOException {
    Objects.requireNonNull(checkpoint, "checkpoint is required.");
    return export(
        checkpoint.config(),
        Set.copyOf(checkpoint.tensorNames()),
        checkpoint::tensor,
        checkpoint.tokenizerFile(),
        type,
        out);
  }

  /**
   * Exports tensors held in memory.
   *
   * @param config the model's hyperparameters ({@code config.json})
   * @param tensors HF name → float32 tensor: every tensor of {@link CheckpointKeys#expected}; with
   *     tied embeddings an extra {@code lm_head.weight} is ignored
   * @param tokenizerJson path of the model's {@code tokenizer.json}; {@code tokenizer_config.json}
   *     next to it supplies the chat template and special tokens when present
   * @param type storage type of the 2-D weights, token embedding included ({@link GgufType#F32},
   *     {@link GgufType#F16}, {@link GgufType#Q8_0} or {@link GgufType#Q4_0}); 1-D tensors are
   *     always F32
   * @param out destination file; replaced if it exists
   * @return size of the written file, in bytes
   * @throws IllegalArgumentException if a tensor is missing, unexpected, or has the wrong shape
   *     (the message names it, the shape found and the one expected), or the tokenizer does not fit
   *     the vocabulary
   * @throws IOException if the tokenizer files cannot be read or the file cannot be written
   */
  public static long export(
      Qwen2Config config,
      Map<String, FloatTensor> tensors,
      Path tokenizerJson,
      GgufType type,
      Path out)
      throws IOException {
    Objects.requireNonNull(tensors, "tensors are required.");
    Map<String, CheckpointKeys.Expected> expected = CheckpointKeys.expected(config);
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<String, CheckpointKeys.Expected> e : expected.entrySet()) {
      FloatTensor t = tensors.get(e.getKey());
      if (t != null && !Arrays.equals(t.shape(), e.getValue().shape())) {
        wrong.add(shapeProblem(e.getKey(), t.shape(), e.getValue()));
      }
    }
    if (!wrong.isEmpty()) {
      throw new IllegalArgumentException("cannot export to GGUF: " + String.join("; ", wrong));
    }
    return export(config, tensors.keySet(), tensors::get, tokenizerJson, type, out);
  }

  /**
   * Exports tensors fetched by name while writing, one at a time (e.g. LoRA-merged on the fly).
   *
   * @param config the model's hyperparameters ({@code config.json})
   * @param names the names {@code tensors} can supply: every tensor of {@link
   *     CheckpointKeys#expected}; with tied embeddings an extra {@code lm_head.weight} is ignored
   * @param tensors HF name → float32 tensor, called once per tensor during the write
   * @param tokenizerJson path of the model's {@code tokenizer.json}; {@code tokenizer_config.json}
   *     next to it supplies the chat template and special tokens when present
   * @param type storage type of the 2-D weights, token embedding included ({@link GgufType#F32},
   *     {@link GgufType#F16}, {@link GgufType#Q8_0} or {@link GgufType#Q4_0}); 1-D tensors are
   *     always F32
   * @param out destination file; replaced if it exists
   * @return size of the written file, in bytes
   * @throws IllegalArgumentException if a tensor is missing or unexpected, a supplied tensor has
   *     the wrong shape (the message names it, the shape found and the one expected), or the
   *     tokenizer does not fit the vocabulary
   * @throws IOException if the tokenizer files cannot be read or the file cannot be written
   */
  public static long export(
      Qwen2Config config,
      Set<String> names,
      Function<String, FloatTensor> tensors,
      Path tokenizerJson,
      GgufType type,
      Path out)
      throws IOException {
    Objects.requireNonNull(type, "type is required.");
    return export(config, names, tensors, tokenizerJson, type, outputType(type), out);
  }

  /**
   * The type the output tensor ({@code output.weight}, or {@code token_embd.weight} when the
   * embeddings are tied) gets in a {@code type} export unless it is asked to be pure: Q8_0 for
   * Q4_0, {@code type} otherwise. Reference: llama.cpp {@code src/llama-quant.cpp} ({@code
   * llama_tensor_get_type} raises the output tensor's type; with no {@code output.weight} it treats
   * {@code token_embd.weight} as the output).
   *
   * @param type the export's type
   * @return the output tensor's type. Never null.
   */
  public static GgufType outputType(GgufType type) {
    return type == GgufType.Q4_0 ? GgufType.Q8_0 : type;
  }

  /**
   * Like {@link #export(Qwen2Config, Set, Function, Path, GgufType, Path)} with the output tensor
   * ({@code output.weight}, or {@code token_embd.weight} when the embeddings are tied) stored as
   * {@code outputType}; {@code outputType == type} gives a "pure" file.
   *
   * @param config the model's hyperparameters ({@code config.json})
   * @param names the names {@code tensors} can supply
   * @param tensors HF name → float32 tensor, called once per tensor during the write
   * @param tokenizerJson path of the model's {@code tokenizer.json}
   * @param type storage type of the other 2-D weights
   * @param outputType storage type of the output tensor
   * @param out destination file; replaced if it exists
   * @return size of the written file, in bytes
   * @throws IllegalArgumentException as the six-argument form, or if a row does not split into
   *     blocks of {@code outputType}
   * @throws IOException if the tokenizer files cannot be read or the file cannot be written
   */
  public static long export(
      Qwen2Config config,
      Set<String> names,
      Function<String, FloatTensor> tensors,
      Path tokenizerJson,
      GgufType type,
      GgufType outputType,
      Path out)
      throws IOException {
    Objects.requireNonNull(outputType, "outputType is required.");
    Objects.requireNonNull(config, "config is required.");
    Objects.requireNonNull(names, "tensor names are required.");
    Objects.requireNonNull(tensors, "tensors are required.");
    Objects.requireNonNull(tokenizerJson, "tokenizerJson is required.");
    Objects.requireNonNull(type, "type is required.");
    Objects.requireNonNull(out, "out is required.");
    Map<String, CheckpointKeys.Expected> expected = CheckpointKeys.expected(config);
    checkNames(expected, names, config.tieWordEmbeddings());
    checkBlocks(expected, type);
    checkBlocks(expected, outputType);
    String outputName = config.tieWordEmbeddings() ? "model.embed_tokens.weight" : "lm_head.weight";
    GgufTokenizerMetadata tokenizer =
        GgufTokenizerMetadata.fromHuggingFace(
            tokenizerJson, config.vocabSize(), config.bosTokenId(), config.eosTokenId());

    GgufWriter writer = new GgufWriter(ARCHITECTURE);
    writer.putString("general.name", "qcat");
    writer.putUint32("general.file_type", fileType(type));
    writer.putUint32(ARCHITECTURE + ".context_length", config.maxPositionEmbeddings());
    writer.putUint32(ARCHITECTURE + ".embedding_length", config.hiddenSize());
    writer.putUint32(ARCHITECTURE + ".block_count", config.numHiddenLayers());
    writer.putUint32(ARCHITECTURE + ".feed_forward_length", config.intermediateSize());
    writer.putUint32(ARCHITECTURE + ".attention.head_count", config.numAttentionHeads());
    writer.putUint32(ARCHITECTURE + ".attention.head_count_kv", config.numKeyValueHeads());
    writer.putFloat32(ARCHITECTURE + ".rope.freq_base", (float) config.ropeTheta());
    writer.putFloat32(
        ARCHITECTURE + ".attention.layer_norm_rms_epsilon", (float) config.rmsNormEps());
    tokenizer.writeTo(writer, "qwen2");

    for (Map.Entry<String, CheckpointKeys.Expected> entry : expected.entrySet()) {
      String hfName = entry.getKey();
      CheckpointKeys.Expected want = entry.getValue();
      long[] shape = want.shape();
      long[] ne = new long[shape.length];
      for (int i = 0; i < shape.length; i++) {
        ne[i] = shape[shape.length - 1 - i]; // PyTorch [out, in] -> GGUF ne [in, out]
      }
      GgufType tensorType =
          shape.length == 1 ? GgufType.F32 : hfName.equals(outputName) ? outputType : type;
      writer.addTensor(
          ggufName(hfName).orElseThrow(),
          ne,
          tensorType,
          () -> {
            FloatTensor t = tensors.apply(hfName);
            if (t == null) {
              throw new IllegalArgumentException("cannot export to GGUF: missing " + hfName);
            }
            if (!Arrays.equals(t.shape(), shape)) {
              throw new IllegalArgumentException(
                  "cannot export to GGUF: " + shapeProblem(hfName, t.shape(), want));
            }
            return t.data();
          });
    }
    return writer.write(out);
  }

  private static String shapeProblem(String name, long[] found, CheckpointKeys.Expected want) {
    return name
        + " has shape "
        + Arrays.toString(found)
        + " but expected "
        + Arrays.toString(want.shape())
        + " from "
        + want.because();
  }

  /**
   * {@code general.file_type}: llama.cpp's {@code enum llama_ftype} ({@code llama.h}): {@code
   * ALL_F32} 0, {@code MOSTLY_F16} 1, {@code MOSTLY_Q4_0} 2, {@code MOSTLY_Q8_0} 7.
   */
  private static int fileType(GgufType type) {
    return switch (type) {
      case F32 -> 0;
      case F16 -> 1;
      case Q4_0 -> 2;
      case Q8_0 -> 7;
    };
  }

  /**
   * Refuses, before anything is written, a 2-D tensor whose rows do not split into whole blocks of
   * {@code type} (Q8_0 and Q4_0 need a multiple of 32 values per row; Qwen2.5's widths 896, 4864
   * and their 1.5B+ siblings all are).
   */
  private static void checkBlocks(Map<String, CheckpointKeys.Expected> expected, GgufType type) {
    if (type.blockSize() == 1) {
      return;
    }
    for (Map.Entry<String, CheckpointKeys.Expected> e : expected.entrySet()) {
      long[] shape = e.getValue().shape();
      if (shape.length > 1 && shape[shape.length - 1] % type.blockSize() != 0) {
        throw new IllegalArgumentException(
            "cannot export to GGUF "
                + type
                + ": "
                + e.getKey()
                + " has shape "
                + Arrays.toString(shape)
                + ", whose rows of "
                + shape[shape.length - 1]
                + " values do not split into "
                + type
                + " blocks of "
                + type.blockSize()
                + " (use F16 or F32 for this model)");
      }
    }
  }

  private static void checkNames(
      Map<String, CheckpointKeys.Expected> expected, Set<String> names, boolean tied) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, CheckpointKeys.Expected> e : expected.entrySet()) {
      if (!names.contains(e.getKey())) {
        problems.add(
            "missing "
                + e.getKey()
                + " (expected shape "
                + Arrays.toString(e.getValue().shape())
                + " from "
                + e.getValue().because()
                + ")");
      }
    }
    Set<String> unexpected = new TreeSet<>(names);
    unexpected.removeAll(expected.keySet());
    if (tied) {
      unexpected.remove(CheckpointKeys.LM_HEAD);
    }
    for (String name : unexpected) {
      problems.add("unexpected tensor " + name + " (qwen2 GGUF has no name for it)");
    }
    if (!problems.isEmpty()) {
      int shown = Math.min(10, problems.size());
      throw new IllegalArgumentException(
          "cannot export to GGUF: "
              + String.join("; ", problems.subList(0, shown))
              + (problems.size() > shown ? "; and " + (problems.size() - shown) + " more" : ""));
    }
  }
}
