package dev.qcat.infrastructure.inference;

import dev.qcat.inference.lora.LoraAdapter;
import dev.qcat.inference.lora.LoraModel;
import dev.qcat.inference.lora.PeftAdapterIO;
import dev.qcat.inference.model.Qwen2Model;
import dev.qcat.inference.quant.QuantType;
import dev.qcat.inference.quant.QuantizedQwen2;
import dev.qcat.inference.scoring.CategoryScore;
import dev.qcat.inference.scoring.CategoryScorer;
import dev.qcat.inference.scoring.Classification;
import dev.qcat.inference.scoring.ScoringOptions;
import dev.qcat.inference.tokenizer.ChatMlFormat;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The production runtime: app-inference's Qwen2 engine (DJL/PyTorch, OpenBLAS when present) on an
 * HF checkpoint directory, with an optional PEFT LoRA adapter, served from float32 weights or
 * quantized ones (Q8_0, Q4_0; the adapter merged in before quantizing). Scores every category
 * exactly with {@link CategoryScorer} (label trie on the shared prompt KV cache, DESIGN.md §2) and
 * hands the per-category log-probabilities to {@link Calibration}.
 */
@ApplicationScoped
public class DjlModelRuntime implements ModelRuntime {

  @Override
  public boolean supports(ModelSpec spec) {
    Path dir = Path.of(spec.baseModelPath());
    return Files.isRegularFile(dir.resolve("config.json"));
  }

  /**
   * @param quantization the model version's weight format: {@code NONE}, {@code Q8_0} or {@code
   *     Q4_0}
   * @return the block format to serve from, or empty for the checkpoint's float32 weights. Never
   *     null.
   * @throws IllegalArgumentException for any other format
   */
  static Optional<QuantType> quantType(String quantization) {
    return switch (quantization) {
      case "NONE" -> Optional.empty();
      case "Q8_0" -> Optional.of(QuantType.Q8_0);
      case "Q4_0" -> Optional.of(QuantType.Q4_0);
      default ->
          throw new IllegalArgumentException(
              "quantization " + quantization + " is not served (supported: NONE, Q8_0, Q4_0)");
    };
  }

  /**
   * Loads the model version. With {@code Q8_0} or {@code Q4_0} the adapter is merged into the
   * float32 base weights first and every projection and the embedding are then quantized ({@link
   * QuantizedQwen2#load(Path, LoraAdapter, QuantType)}): the served weights are the fine-tuned ones
   * in 8 or 4 bits (about 1.1 or 0.6 bytes per weight resident instead of 4). The model version's
   * temperature should then be one refit on the quantized model ({@code qcat eval --quant Q8_0
   * --calibrate-on VALID.jsonl --save-calibration DIR}).
   *
   * @throws IllegalArgumentException if the quantization is not NONE, Q8_0 or Q4_0, a file is
   *     missing or inconsistent, or the adapter does not fit the base model
   */
  @Override
  public LoadedModel load(ModelSpec spec) {
    Optional<QuantType> quant = quantType(spec.quantization());
    Path dir = Path.of(spec.baseModelPath());
    Path tokenizerJson = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IllegalArgumentException("expected " + tokenizerJson + " next to config.json");
    }
    Qwen2Tokenizer tokenizer = Qwen2Tokenizer.load(tokenizerJson);
    AutoCloseable owner;
    Qwen2Model model;
    try {
      if (quant.isPresent()) {
        LoraAdapter adapter =
            spec.adapterPath().map(p -> PeftAdapterIO.load(Path.of(p))).orElse(null);
        model = QuantizedQwen2.load(dir, adapter, quant.get());
        owner = model;
      } else if (spec.adapterPath().isPresent()) {
        LoraModel lora = LoraModel.load(dir, PeftAdapterIO.load(Path.of(spec.adapterPath().get())));
        lora.merge(); // serving only: fold B·A into W once
        owner = lora;
        model = lora.model();
      } else {
        model = Qwen2Model.load(dir);
        owner = model;
      }
    } catch (RuntimeException e) {
      tokenizer.close();
      throw e;
    }
    List<String> names = spec.labels().stream().map(ModelSpec.Label::name).toList();
    int[][] labelTokens = new int[names.size()][];
    for (int i = 0; i < labelTokens.length; i++) {
      labelTokens[i] = tokenizer.encode(names.get(i));
    }
    CategoryScorer scorer =
        new CategoryScorer(
            model,
            names,
            labelTokens,
            tokenizer.imEndId(),
            ScoringOptions.defaults().withTopK(names.size()));
    return new QwenModel(spec.instruction(), tokenizer, scorer, owner);
  }

  /** A loaded checkpoint with its tokenizer and label trie. */
  private record QwenModel(
      String instruction, Qwen2Tokenizer tokenizer, CategoryScorer scorer, AutoCloseable owner)
      implements LoadedModel {

    @Override
    public List<LabelScores> score(List<String> questions) {
      int[][] prompts = new int[questions.size()][];
      for (int i = 0; i < prompts.length; i++) {
        prompts[i] =
            tokenizer.encode(ChatMlFormat.classificationPrompt(instruction, questions.get(i)));
      }
      List<LabelScores> out = new ArrayList<>(prompts.length);
      for (Classification c : scorer.classifyBatch(prompts)) {
        double[] logProbs = new double[c.scores().size()];
        for (CategoryScore s : c.scores()) {
          logProbs[s.index()] = s.logProbability();
        }
        out.add(new LabelScores(logProbs, c.confidenceErrorBound()));
      }
      return out;
    }

    @Override
    public void close() {
      try {
        owner.close();
      } catch (Exception e) {
        throw new IllegalStateException("closing the model failed", e);
      } finally {
        tokenizer.close();
      }
    }
  }
}
