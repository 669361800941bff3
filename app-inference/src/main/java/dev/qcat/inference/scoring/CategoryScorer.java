package dev.qcat.inference.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Exact category scoring (DESIGN.md §2): the confidence of category c is P(c | prompt) / Σ_k P(k |
 * prompt), where P(c | prompt) is the product of the probabilities of c's tokens followed by the
 * closing end token ({@code <|im_end|>}, 151645 in the Qwen2.5 vocabulary), so "Card" and "Card
 * arrival" are told apart by what follows "Card".
 *
 * <p>The label token sequences (each followed by the end token) form a token trie. Each prompt is
 * run once ({@link TreeLanguageModel#startSession}); the trie is then grown on top of the prompt's
 * KV cache, all of it in one {@link TreeSession#expand} call when scoring exactly, level by level
 * when pruning, for all prompts of the batch at once, so a prefix shared by several labels is
 * computed once. A node whose token is the end token is a leaf and closes exactly one label; since
 * the end token never occurs inside a label, no label's full sequence is a prefix of another's.
 *
 * <p>Pruning: a non-leaf node whose prefix probability is below ε is not expanded, and every label
 * under it is reported as pruned with confidence 0. So that every prompt gets an answer, the most
 * probable non-leaf node of a level is kept when the prompt has no finished label yet and all its
 * nodes of that level fall below ε. {@link Classification} states the error bound this causes.
 *
 * <p>Cost per batch: one prompt forward pass plus at most (number of non-leaf trie nodes) tree
 * tokens per prompt, in (length of the longest label in tokens) {@code expand} calls when pruning
 * (ε &gt; 0), in a single {@code expand} call when scoring exactly (ε = 0, the default): a node may
 * then name a parent added earlier in the same call. Each forward pass reads every weight once (for
 * quantized weights: decodes them once), so fewer, larger calls are cheaper.
 *
 * <p>Instances are immutable and may be shared between threads if the model may.
 */
public final class CategoryScorer {

  private static final int ROOT = 0;

  private final TreeLanguageModel model;
  private final List<String> categories;
  private final int endTokenId;
  private final ScoringOptions options;
  private final double logEpsilon;

  // Trie, node 0 is the root (the end of the prompt).
  private final int[] nodeToken;
  private final int[] nodeParent;
  private final int[] nodeLabel; // label index at a leaf, -1 elsewhere
  private final int[] nodeLabelCount; // labels under the node
  private final int[][] nodeChildren;
  private final int[][] nodeChildTokens;

  /**
   * Builds the label trie.
   *
   * @param model the language model, never null
   * @param categories category names in taxonomy order, distinct, never null
   * @param labelTokens token ids of each category name without the end token, aligned with {@code
   *     categories}; each non-empty, distinct, ids in [0, vocabSize), never the end token
   * @param endTokenId the token that closes an answer ({@code <|im_end|>}), in [0, vocabSize)
   * @param options epsilon, threshold, top-k; never null
   * @throws IllegalArgumentException if the sizes disagree, a name repeats, a label is empty or
   *     contains the end token or an id outside the vocabulary, or two labels have the same tokens
   */
  public CategoryScorer(
      TreeLanguageModel model,
      List<String> categories,
      int[][] labelTokens,
      int endTokenId,
      ScoringOptions options) {
    this.model = Objects.requireNonNull(model, "model is required.");
    this.categories = List.copyOf(Objects.requireNonNull(categories, "categories are required."));
    Objects.requireNonNull(labelTokens, "labelTokens are required.");
    this.options = Objects.requireNonNull(options, "options are required.");
    this.endTokenId = endTokenId;
    this.logEpsilon = Math.log(options.epsilon());
    int vocabSize = model.vocabSize();
    if (categories.isEmpty()) {
      throw new IllegalArgumentException("expected at least one category but got none");
    }
    if (labelTokens.length != categories.size()) {
      throw new IllegalArgumentException(
          "expected one token sequence per category ("
              + categories.size()
              + ") but got "
              + labelTokens.length);
    }
    if (endTokenId < 0 || endTokenId >= vocabSize) {
      throw new IllegalArgumentException(
          "expected endTokenId in [0, " + vocabSize + ") but got " + endTokenId);
    }
    Map<String, Integer> names = new HashMap<>();
    for (int c = 0; c < categories.size(); c++) {
      Integer before = names.put(categories.get(c), c);
      if (before != null) {
        throw new IllegalArgumentException(
            "category \""
                + categories.get(c)
                + "\" is listed twice (at "
                + before
                + " and "
                + c
                + ")");
      }
    }

    List<Integer> token = new ArrayList<>(List.of(-1));
    List<Integer> parent = new ArrayList<>(List.of(-1));
    List<Integer> label = new ArrayList<>(List.of(-1));
    List<Map<Integer, Integer>> children = new ArrayList<>();
    children.add(new LinkedHashMap<>());
    for (int c = 0; c < labelTokens.length; c++) {
      int[] seq = labelTokens[c];
      if (seq == null || seq.length == 0) {
        throw new IllegalArgumentException(
            "category \"" + categories.get(c) + "\" has no tokens (expected at least one)");
      }
      int node = ROOT;
      for (int i = 0; i <= seq.length; i++) {
        int t = i < seq.length ? seq[i] : endTokenId;
        if (i < seq.length && (t < 0 || t >= vocabSize || t == endTokenId)) {
          throw new IllegalArgumentException(
              "category \""
                  + categories.get(c)
                  + "\" has token id "
                  + t
                  + " at "
                  + i
                  + " (expected an id in [0, "
                  + vocabSize
                  + ") other than the end token "
                  + endTokenId
                  + ")");
        }
        Integer next = children.get(node).get(t);
        if (next == null) {
          next = token.size();
          token.add(t);
          parent.add(node);
          label.add(-1);
          children.add(new LinkedHashMap<>());
          children.get(node).put(t, next);
        }
        node = next;
      }
      if (label.get(node) >= 0) {
        throw new IllegalArgumentException(
            "categories \""
                + categories.get(label.get(node))
                + "\" and \""
                + categories.get(c)
                + "\" have the same tokens "
                + Arrays.toString(seq));
      }
      label.set(node, c);
    }
    int n = token.size();
    nodeToken = new int[n];
    nodeParent = new int[n];
    nodeLabel = new int[n];
    nodeLabelCount = new int[n];
    nodeChildren = new int[n][];
    nodeChildTokens = new int[n][];
    for (int i = 0; i < n; i++) {
      nodeToken[i] = token.get(i);
      nodeParent[i] = parent.get(i);
      nodeLabel[i] = label.get(i);
      nodeChildren[i] = children.get(i).values().stream().mapToInt(Integer::intValue).toArray();
      nodeChildTokens[i] = children.get(i).keySet().stream().mapToInt(Integer::intValue).toArray();
    }
    // Children always have larger ids than their parents: count labels bottom-up.
    for (int i = n - 1; i > 0; i--) {
      if (nodeLabel[i] >= 0) {
        nodeLabelCount[i]++;
      }
      nodeLabelCount[nodeParent[i]] += nodeLabelCount[i];
    }
  }

  /**
   * @return the category names in taxonomy order. Never null.
   */
  public List<String> categories() {
    return categories;
  }

  /**
   * @return the settings. Never null.
   */
  public ScoringOptions options() {
    return options;
  }

  /**
   * @return the number of trie nodes below the root, i.e. the tree tokens one unpruned prompt costs
   *     at most (leaves are scored but never run)
   */
  public int trieSize() {
    return nodeToken.length - 1;
  }

  /**
   * Scores the taxonomy for one prompt.
   *
   * @param prompt the rendered prompt's token ids, ending where the answer starts; length ≥ 1
   * @return the classification. Never null.
   * @throws IllegalArgumentException if the prompt is empty or holds an id outside the vocabulary
   */
  public Classification classify(int[] prompt) {
    return classifyBatch(new int[][] {prompt}).get(0);
  }

  /**
   * Scores the taxonomy for a batch of prompts: one prompt forward pass and one {@link
   * TreeSession#expand} call per trie level for the whole batch.
   *
   * @param prompts the prompts' token ids, unequal lengths allowed, each of length ≥ 1
   * @return one classification per prompt, in order. Never null.
   * @throws IllegalArgumentException if a prompt is empty or holds an id outside the vocabulary
   */
  public List<Classification> classifyBatch(int[][] prompts) {
    Objects.requireNonNull(prompts, "prompts are required.");
    if (prompts.length == 0) {
      return List.of();
    }
    int batchSize = prompts.length;
    int n = nodeToken.length;
    double[][] logP = new double[batchSize][n]; // prefix log-probability of each trie node
    int[][] sessionNode = new int[batchSize][n]; // id of the node in the session once expanded
    double[][] labelLogP = new double[batchSize][categories.size()];
    boolean[] finished = new boolean[batchSize]; // some label of this prompt is complete
    List<List<Double>> prunedNodeLogP = new ArrayList<>();
    int[] prunedLabels = new int[batchSize];
    for (int b = 0; b < batchSize; b++) {
      Arrays.fill(labelLogP[b], Double.NEGATIVE_INFINITY);
      prunedNodeLogP.add(new ArrayList<>());
    }

    try (TreeSession session = model.startSession(prompts)) {
      // Level 1: the first label tokens, read off the prompt's last position.
      int[] first = nodeChildren[ROOT];
      List<List<Integer>> frontier = new ArrayList<>();
      for (int b = 0; b < batchSize; b++) {
        float[] lp = session.promptNextLogProbs(b, nodeChildTokens[ROOT]);
        List<Integer> level = new ArrayList<>(first.length);
        for (int j = 0; j < first.length; j++) {
          logP[b][first[j]] = lp[j];
          level.add(first[j]);
        }
        frontier.add(level);
      }
      if (logEpsilon == Double.NEGATIVE_INFINITY) {
        expandWholeTrie(session, logP, labelLogP);
      }
      int nextSessionId = 0;
      while (logEpsilon != Double.NEGATIVE_INFINITY) {
        List<int[]> toExpand = new ArrayList<>(); // (b, trie node)
        for (int b = 0; b < batchSize; b++) {
          List<Integer> inner = new ArrayList<>();
          for (int node : frontier.get(b)) {
            if (nodeLabel[node] >= 0) {
              labelLogP[b][nodeLabel[node]] = logP[b][node];
              finished[b] = true;
            } else {
              inner.add(node);
            }
          }
          int keep = -1;
          if (!finished[b] && !inner.isEmpty()) {
            boolean anyAbove = false;
            for (int node : inner) {
              anyAbove |= !(logP[b][node] < logEpsilon);
              if (keep < 0 || logP[b][node] > logP[b][keep]) {
                keep = node;
              }
            }
            if (anyAbove) {
              keep = -1;
            }
          }
          for (int node : inner) {
            if (logP[b][node] < logEpsilon && node != keep) {
              prunedNodeLogP.get(b).add(logP[b][node]);
              prunedLabels[b] += nodeLabelCount[node];
            } else {
              toExpand.add(new int[] {b, node});
            }
          }
        }
        if (toExpand.isEmpty()) {
          break;
        }
        int m = toExpand.size();
        int[] batch = new int[m];
        int[] tokens = new int[m];
        int[] parents = new int[m];
        int[][] wanted = new int[m][];
        for (int i = 0; i < m; i++) {
          int b = toExpand.get(i)[0];
          int node = toExpand.get(i)[1];
          batch[i] = b;
          tokens[i] = nodeToken[node];
          parents[i] = nodeParent[node] == ROOT ? -1 : sessionNode[b][nodeParent[node]];
          wanted[i] = nodeChildTokens[node];
          sessionNode[b][node] = nextSessionId++;
        }
        float[][] lp = session.expand(batch, tokens, parents, wanted);
        frontier = new ArrayList<>();
        for (int b = 0; b < batchSize; b++) {
          frontier.add(new ArrayList<>());
        }
        for (int i = 0; i < m; i++) {
          int b = batch[i];
          int node = toExpand.get(i)[1];
          int[] kids = nodeChildren[node];
          if (lp[i].length != kids.length) {
            throw new IllegalStateException(
                "expand returned " + lp[i].length + " log-probabilities, expected " + kids.length);
          }
          for (int j = 0; j < kids.length; j++) {
            logP[b][kids[j]] = logP[b][node] + lp[i][j];
            frontier.get(b).add(kids[j]);
          }
        }
      }
    }

    List<Classification> out = new ArrayList<>(batchSize);
    for (int b = 0; b < batchSize; b++) {
      out.add(result(labelLogP[b], prunedNodeLogP.get(b), prunedLabels[b]));
    }
    return out;
  }

  /**
   * Exact scoring (ε = 0, nothing pruned): every inner node of the trie of every prompt in one
   * {@link TreeSession#expand} call, parents before children (a trie node's id is larger than its
   * parent's), so the whole tree costs one forward pass instead of one per level.
   */
  private void expandWholeTrie(TreeSession session, double[][] logP, double[][] labelLogP) {
    int batchSize = logP.length;
    int n = nodeToken.length;
    List<Integer> inner = new ArrayList<>();
    for (int node = 1; node < n; node++) {
      if (nodeLabel[node] < 0) {
        inner.add(node);
      }
    }
    int m = inner.size() * batchSize;
    int[] batch = new int[m];
    int[] tokens = new int[m];
    int[] parents = new int[m];
    int[][] wanted = new int[m][];
    int[] sessionId = new int[n];
    int i = 0;
    for (int b = 0; b < batchSize; b++) {
      for (int node : inner) {
        batch[i] = b;
        tokens[i] = nodeToken[node];
        parents[i] = nodeParent[node] == ROOT ? -1 : sessionId[nodeParent[node]];
        wanted[i] = nodeChildTokens[node];
        sessionId[node] = i;
        i++;
      }
    }
    float[][] lp = m == 0 ? new float[0][] : session.expand(batch, tokens, parents, wanted);
    i = 0;
    for (int b = 0; b < batchSize; b++) {
      for (int node : inner) {
        int[] kids = nodeChildren[node];
        if (lp[i].length != kids.length) {
          throw new IllegalStateException(
              "expand returned " + lp[i].length + " log-probabilities, expected " + kids.length);
        }
        for (int j = 0; j < kids.length; j++) {
          logP[b][kids[j]] = logP[b][node] + lp[i][j];
        }
        i++;
      }
      for (int node = 1; node < n; node++) {
        if (nodeLabel[node] >= 0) {
          labelLogP[b][nodeLabel[node]] = logP[b][node];
        }
      }
    }
  }

  private Classification result(double[] labelLogP, List<Double> prunedNodes, int prunedLabels) {
    double logZ = logSumExp(labelLogP);
    List<CategoryScore> scores = new ArrayList<>(labelLogP.length);
    for (int c = 0; c < labelLogP.length; c++) {
      double conf = labelLogP[c] == Double.NEGATIVE_INFINITY ? 0 : Math.exp(labelLogP[c] - logZ);
      scores.add(new CategoryScore(categories.get(c), c, labelLogP[c], conf));
    }
    List<CategoryScore> sorted = new ArrayList<>(scores);
    sorted.sort(
        (x, y) ->
            x.logProbability() != y.logProbability()
                ? Double.compare(y.logProbability(), x.logProbability())
                : Integer.compare(x.index(), y.index()));
    List<CategoryScore> top = sorted.subList(0, Math.min(options.topK(), sorted.size()));
    double logU = logSumExp(prunedNodes.stream().mapToDouble(Double::doubleValue).toArray());
    double errorBound = Math.exp(logU);
    double confidenceErrorBound = prunedNodes.isEmpty() ? 0 : Math.exp(logU - logZ);
    CategoryScore best = top.get(0);
    return new Classification(
        best.category(),
        best.confidence(),
        top,
        best.confidence() < options.threshold(),
        prunedLabels,
        errorBound,
        confidenceErrorBound,
        scores);
  }

  /** log Σ exp(x_i), stable; −∞ for an empty array or all −∞. */
  static double logSumExp(double[] x) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : x) {
      max = Math.max(max, v);
    }
    if (max == Double.NEGATIVE_INFINITY) {
      return max;
    }
    double sum = 0;
    for (double v : x) {
      sum += Math.exp(v - max);
    }
    return max + Math.log(sum);
  }
}
