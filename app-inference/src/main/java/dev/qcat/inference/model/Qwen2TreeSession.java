package dev.qcat.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.qcat.inference.scoring.TreeSession;
import java.util.Arrays;

/**
 * {@link TreeSession} on a {@link Qwen2Model}: the prompts' KV caches plus token-tree nodes stored
 * as extra cache slots.
 *
 * <p>Each {@link #expand} call lays the new nodes out as a (B, Tn) grid, Tn = the largest number of
 * new nodes of one prompt, appends Tn slots to every row of the cache and runs one forward pass
 * with a tree attention mask: a node attends to its prompt's tokens, the slots of its ancestors and
 * itself, at position promptLength + depth (depth 0 for a child of the prompt end). This is the
 * tree attention of SpecInfer (Miao et al. 2023, arXiv:2305.09781) applied to label scoring. Only
 * the node rows go through the LM head.
 *
 * <p>Life cycle: opened by {@link Qwen2Model#startSession}; {@link #close} frees the caches. Not
 * thread-safe.
 */
final class Qwen2TreeSession implements TreeSession {

  private final Qwen2Model model;
  private final KvCache cache;
  private final int[] promptLength;
  private final float[][] promptLogProbs;
  private int[] nodeRow = new int[64];
  private int[] nodeSlot = new int[64];
  private int[] nodeDepth = new int[64];
  private int[] nodeParent = new int[64];
  private int nodeCount;

  Qwen2TreeSession(Qwen2Model model, int[][] prompts) {
    this.model = model;
    this.cache = model.newCache(prompts.length);
    try {
      this.promptLogProbs = model.extend(cache, prompts);
    } catch (RuntimeException e) {
      cache.close();
      throw e;
    }
    this.promptLength = new int[prompts.length];
    for (int b = 0; b < prompts.length; b++) {
      promptLength[b] = prompts[b].length;
    }
  }

  @Override
  public int batchSize() {
    return promptLength.length;
  }

  @Override
  public float[] promptNextLogProbs(int b, int[] tokens) {
    if (b < 0 || b >= promptLength.length) {
      throw new IllegalArgumentException(
          "prompt index " + b + " outside [0, " + promptLength.length + ")");
    }
    float[] out = new float[tokens.length];
    for (int i = 0; i < tokens.length; i++) {
      out[i] = promptLogProbs[b][model.checkToken(tokens[i])];
    }
    return out;
  }

  @Override
  public float[][] expand(int[] batch, int[] tokens, int[] parent, int[][] wanted) {
    int n = batch.length;
    if (tokens.length != n || parent.length != n || wanted.length != n) {
      throw new IllegalArgumentException(
          "batch, tokens, parent and wanted must have equal lengths but have "
              + n
              + ", "
              + tokens.length
              + ", "
              + parent.length
              + ", "
              + wanted.length);
    }
    if (n == 0) {
      return new float[0][];
    }
    int rows = promptLength.length;
    int first = nodeCount; // id of entry 0 of this call
    int[] perRow = new int[rows];
    int[] column = new int[n];
    for (int i = 0; i < n; i++) {
      int b = batch[i];
      if (b < 0 || b >= rows) {
        throw new IllegalArgumentException(
            "node " + i + ": prompt index " + b + " outside [0, " + rows + ")");
      }
      int p = parent[i];
      if (p != -1 && (p < 0 || p >= first + i)) {
        throw new IllegalArgumentException(
            "node " + i + ": unknown parent id " + p + " (known ids: [0, " + (first + i) + "))");
      }
      int parentRow = p == -1 ? b : p < first ? nodeRow[p] : batch[p - first];
      if (parentRow != b) {
        throw new IllegalArgumentException(
            "node " + i + ": parent " + p + " belongs to prompt " + parentRow + ", not " + b);
      }
      model.checkToken(tokens[i]);
      column[i] = perRow[b]++;
    }
    int t = Arrays.stream(perRow).max().orElse(0);
    int s0 = cache.length();
    int s = s0 + t;
    // register the new nodes first: a node's ancestors may be entries of this call
    for (int i = 0; i < n; i++) {
      addNode(batch[i], s0 + column[i], parent[i] == -1 ? 0 : nodeDepth[parent[i]] + 1, parent[i]);
    }
    int[] ids = new int[rows * t];
    int[] pos = new int[rows * t];
    float[] mask = new float[rows * t * s];
    Arrays.fill(mask, Qwen2Model.MASKED);
    boolean[][] valid = new boolean[rows][t];
    boolean[][] real = new boolean[rows][t];
    for (int i = 0; i < n; i++) {
      int b = batch[i];
      int q = column[i];
      int cell = b * t + q;
      int depth = nodeDepth[first + i];
      ids[cell] = tokens[i];
      pos[cell] = promptLength[b] + depth;
      real[b][q] = true;
      int base = cell * s;
      Arrays.fill(mask, base, base + promptLength[b], 0f); // prompt slots are 0..len-1
      for (int a = parent[i]; a != -1; a = nodeParent[a]) {
        mask[base + nodeSlot[a]] = 0f;
      }
      mask[base + s0 + q] = 0f;
    }
    for (int b = 0; b < rows; b++) {
      for (int q = 0; q < t; q++) {
        if (!real[b][q]) {
          mask[(b * t + q) * s + s0 + q] = 0f; // padding cell: itself only, result unused
        }
      }
    }
    float[][] out;
    int[] hiddenRows = new int[n];
    for (int i = 0; i < n; i++) {
      hiddenRows[i] = batch[i] * t + column[i];
    }
    try (NDManager call = model.manager().newSubManager()) {
      // tree slots are not part of any row's linear sequence: recorded as not valid
      NDArray hidden = model.forward(call, cache, rows, t, ids, pos, mask, valid);
      out = model.headLogProbs(hidden.reshape(-1, model.config().hiddenSize()), hiddenRows, wanted);
    } catch (RuntimeException e) {
      nodeCount = first; // the nodes of a failed call do not exist
      throw e;
    }
    return out;
  }

  @Override
  public void close() {
    cache.close();
  }

  private void addNode(int row, int slot, int depth, int parent) {
    if (nodeCount == nodeRow.length) {
      int cap = nodeCount * 2;
      nodeRow = Arrays.copyOf(nodeRow, cap);
      nodeSlot = Arrays.copyOf(nodeSlot, cap);
      nodeDepth = Arrays.copyOf(nodeDepth, cap);
      nodeParent = Arrays.copyOf(nodeParent, cap);
    }
    nodeRow[nodeCount] = row;
    nodeSlot[nodeCount] = slot;
    nodeDepth[nodeCount] = depth;
    nodeParent[nodeCount] = parent;
    nodeCount++;
  }
}
