package dev.qcat.inference.scoring;

/**
 * The KV caches of a batch of prompts plus the tree nodes added on top of them. Node ids are
 * assigned in the order {@link #expand} receives them, starting at 0, across calls.
 */
public interface TreeSession extends AutoCloseable {

  /**
   * @return the number of prompts in this session
   */
  int batchSize();

  /**
   * Log-probabilities of chosen next tokens at the end of prompt {@code b}.
   *
   * @param b prompt index in [0, batchSize)
   * @param tokens token ids whose log p(token | prompt) is wanted
   * @return natural-log probabilities, one per entry of {@code tokens}, float32. Never null.
   */
  float[] promptNextLogProbs(int b, int[] tokens);

  /**
   * Adds tree nodes in one forward pass: node i holds {@code tokens[i]} placed after {@code
   * parent[i]} (a node id from an earlier call, or of an earlier entry of this call — entry j of
   * this call gets id (nodes added before this call) + j —, or -1 for the end of prompt {@code
   * batch[i]}); it attends to its prompt and its ancestors only (tree attention mask), at position
   * prompt length + depth.
   *
   * @param batch prompt index of each new node
   * @param tokens token id of each new node
   * @param parent parent node id of each new node, or -1
   * @param wanted for each new node, the next-token ids whose log p(next | prompt, path) is wanted
   * @return for each new node, natural-log probabilities aligned with {@code wanted[i]}. Never
   *     null.
   * @throws IllegalArgumentException if a parent id is unknown (or a later entry of this call) or
   *     belongs to another prompt
   */
  float[][] expand(int[] batch, int[] tokens, int[] parent, int[][] wanted);

  /** Frees the KV caches. */
  @Override
  void close();
}
