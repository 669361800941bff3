package dev.qcat.infrastructure.inference;

import dev.qcat.inference.lora.LoraModel;
import dev.qcat.inference.lora.PeftAdapterIO;
import dev.qcat.inference.model.Qwen2Model;
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

/**
 * The production runtime: app-inference's Qwen2 engine (DJL/PyTorch, OpenBLAS when present) on an
 * HF checkpoint directory, with an optional PEFT LoRA adapter. Scores every category exactly with
 * {@link CategoryScorer} (label trie on the shared prompt KV cache, DESIGN.md §2) and hands the
 * per-category log-probabilities to {@link Calibration}.
 */
@ApplicationScoped
public class DjlModelRuntime implements ModelRuntime {

  @Override
  public boolean supports(ModelSpec spec) {
    Path dir = Path.of(spec.baseModelPath());
    return Files.isRegularFile(dir.resolve("config.json"));
  }

  @Override
  public LoadedModel load(ModelSpec spec) {
    if (!spec.quantization().equals("NONE")) {
      throw new IllegalArgumentException(
          "quantization " + spec.quantization() + " is not served yet (supported: NONE)");
    }
    Path dir = Path.of(spec.baseModelPath());
    Path tokenizerJson = dir.resolve("tokenizer.json");
    if (!Files.isRegularFile(tokenizerJson)) {
      throw new IllegalArgumentException("expected " + tokenizerJson + " next to config.json");
    }
    Qwen2Tokenizer tokenizer = Qwen2Tokenizer.load(tokenizerJson);
    AutoCloseable owner;
    Qwen2Model model;
    try {
      if (spec.adapterPath().isPresent()) {
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
