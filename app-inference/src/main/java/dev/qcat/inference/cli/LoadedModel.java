package dev.qcat.inference.cli;

import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.model.Qwen2Model;
import dev.qcat.inference.scoring.CategoryScorer;
import dev.qcat.inference.scoring.Classification;
import dev.qcat.inference.scoring.ScoringOptions;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import dev.qcat.inference.training.PromptEncoder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint loaded for classification: the Qwen2 model, its tokenizer, the ChatML prompt encoder
 * and a {@link CategoryScorer} over the taxonomy.
 */
final class LoadedModel implements AutoCloseable {

  final Qwen2Model model;
  final Qwen2Tokenizer tokenizer;
  final PromptEncoder encoder;
  final CategoryScorer scorer;

  private LoadedModel(
      Qwen2Model model, Qwen2Tokenizer tokenizer, List<String> labels, ScoringOptions options) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.encoder = PromptEncoder.chatMl(tokenizer);
    int[][] labelTokens = new int[labels.size()][];
    for (int i = 0; i < labels.size(); i++) {
      labelTokens[i] = encoder.labelTokens(labels.get(i));
    }
    this.scorer = new CategoryScorer(model, labels, labelTokens, encoder.endTokenId(), options);
  }

  /**
   * @param dir HF checkpoint directory
   * @param labels category names
   * @param options scoring options
   * @return the loaded model; the caller closes it. Never null.
   */
  static LoadedModel open(Path dir, List<String> labels, ScoringOptions options) {
    Qwen2Model model = Qwen2Model.load(dir);
    Qwen2Tokenizer tokenizer = null;
    try {
      tokenizer = Qwen2Tokenizer.load(dir.resolve(HfCheckpoint.TOKENIZER));
      return new LoadedModel(model, tokenizer, labels, options);
    } catch (RuntimeException e) {
      if (tokenizer != null) {
        tokenizer.close();
      }
      model.close();
      throw e;
    }
  }

  /**
   * Classifies examples in batches of {@code batchSize}.
   *
   * @param examples questions with their instructions
   * @param batchSize questions per forward pass, ≥ 1
   * @return one classification per example, in order. Never null.
   */
  List<Classification> classify(List<SeedExample> examples, int batchSize) {
    List<Classification> out = new ArrayList<>(examples.size());
    for (int from = 0; from < examples.size(); from += batchSize) {
      List<SeedExample> chunk = examples.subList(from, Math.min(examples.size(), from + batchSize));
      int[][] prompts = chunk.stream().map(encoder::prompt).toArray(int[][]::new);
      out.addAll(scorer.classifyBatch(prompts));
    }
    return out;
  }

  @Override
  public void close() {
    tokenizer.close();
    model.close();
  }
}
