package dev.qcat.inference.scoring;

/**
 * A causal language model that scores a batch of prompts once and then grows token trees on top of
 * each prompt's KV cache. This is the contract between the Qwen2 forward pass ({@code model/}) and
 * exact category scoring ({@code CategoryScorer}): scoring never sees tensors.
 */
public interface TreeLanguageModel {

  /**
   * @return the vocabulary size (the number of rows of the LM head), in tokens
   */
  int vocabSize();

  /**
   * Runs the prompts (token ids, no padding, unequal lengths allowed) in one batched forward pass
   * and keeps their KV caches for {@link TreeSession#expand}.
   *
   * @param prompts token ids per prompt, each of length ≥ 1
   * @return an open session; the caller closes it. Never null.
   * @throws IllegalArgumentException if a prompt is empty or a token id is outside the vocabulary
   */
  TreeSession startSession(int[][] prompts);
}
