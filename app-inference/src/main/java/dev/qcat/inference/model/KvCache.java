package dev.qcat.inference.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Keys and values of every layer for a batch of sequences, after the rotary embedding and before
 * {@code repeatKv}, plus which cache slots hold real tokens.
 *
 * <p>Slot s of row b is one token position in the cache; a slot is <em>valid</em> when it holds a
 * real token of that row (padding slots are kept, masked, so all rows share one length S). The
 * position of the next token of row b is the number of valid slots of that row.
 *
 * <p>Life cycle: made empty by {@link Qwen2Model#newCache}; each forward step appends slots and
 * closes the arrays it replaces; {@link #close} frees all arrays. The arrays live in this cache's
 * own manager, never in the model's.
 */
public final class KvCache implements AutoCloseable {

  private final NDManager manager;
  private final int batchSize;
  private final NDArray[] keys;
  private final NDArray[] values;
  private final List<boolean[]> validBySlot = new ArrayList<>();
  private final int[] validCount;
  private boolean closed;

  KvCache(NDManager parent, int numLayers, int batchSize) {
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize=" + batchSize + " (expected > 0)");
    }
    this.manager = parent.newSubManager();
    this.batchSize = batchSize;
    this.keys = new NDArray[numLayers];
    this.values = new NDArray[numLayers];
    this.validCount = new int[batchSize];
  }

  /**
   * @return number of rows (sequences), B
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * @return number of slots per row, S (valid or not)
   */
  public int length() {
    return validBySlot.size();
  }

  /**
   * @param b row
   * @return number of real tokens of row b, which is also the position of its next token
   */
  public int validCount(int b) {
    return validCount[b];
  }

  /**
   * @param b row
   * @param s slot
   * @return whether slot s of row b holds a real token of that row
   */
  public boolean isValid(int b, int s) {
    return validBySlot.get(s)[b];
  }

  NDManager manager() {
    return manager;
  }

  /**
   * @return keys of a layer, shape (B, numKeyValueHeads, S, headDim), or null when empty
   */
  NDArray keys(int layer) {
    return keys[layer];
  }

  /**
   * @return values of a layer, shape (B, numKeyValueHeads, S, headDim), or null when empty
   */
  NDArray values(int layer) {
    return values[layer];
  }

  /**
   * Appends new keys and values of one layer; the concatenation is attached to this cache and the
   * old arrays are closed.
   *
   * @param layer layer index
   * @param k new keys (B, nKV, T, hd)
   * @param v new values (B, nKV, T, hd)
   * @return {all keys, all values}, each (B, nKV, S + T, hd)
   */
  NDArray[] append(int layer, NDArray k, NDArray v) {
    checkOpen();
    NDManager call = k.getManager();
    NDArray newK = keys[layer] == null ? k : keys[layer].concat(k, 2);
    NDArray newV = values[layer] == null ? v : values[layer].concat(v, 2);
    // concat lands in the old cache array's manager (this cache's); the first k, v in the caller's
    newK.attach(manager);
    newV.attach(manager);
    if (keys[layer] != null) {
      keys[layer].close();
      values[layer].close();
    }
    keys[layer] = newK;
    values[layer] = newV;
    // Until the caller's manager closes, results of operations on the cache arrays (which DJL
    // puts in the operand's manager) go to the caller's manager, so this cache never grows.
    newK.tempAttach(call);
    newV.tempAttach(call);
    return new NDArray[] {newK, newV};
  }

  /** Records the validity of T newly appended slots; valid[b][t] for row b and new slot t. */
  void commitSlots(boolean[][] valid, int time) {
    for (int t = 0; t < time; t++) {
      boolean[] col = new boolean[batchSize];
      for (int b = 0; b < batchSize; b++) {
        col[b] = valid[b][t];
        if (col[b]) {
          validCount[b]++;
        }
      }
      validBySlot.add(col);
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("KV cache is closed");
    }
  }

  /** Frees every array of this cache. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      Arrays.fill(keys, null);
      Arrays.fill(values, null);
      manager.close();
    }
  }

  @Override
  public String toString() {
    return "KvCache[B="
        + batchSize
        + ", S="
        + length()
        + ", valid="
        + Arrays.toString(validCount)
        + "]";
  }
}
