/**
 * Exact category scoring over a taxonomy (label token trie on a shared prompt KV cache) and the
 * evaluation metrics (accuracy, macro-F1, confusion matrix, ECE). No tensors or DJL types live
 * here: the model is reached through {@link dev.qcat.inference.scoring.TreeLanguageModel}.
 */
package dev.qcat.inference.scoring;
