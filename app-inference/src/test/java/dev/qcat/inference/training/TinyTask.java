package dev.qcat.inference.training;

import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.io.CheckpointKeys;
import dev.qcat.inference.io.FloatTensor;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.RandomCheckpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.function.Function;

/**
 * A tiny random Qwen2 (2 layers, hidden 64, vocabulary 512) and a synthetic 3-category task whose
 * answer is given away by the prompt's last token, so a LoRA adapter can learn it in a few dozen
 * steps. Prompts are token ids written as text ("17 204 99 …"), decoded by {@link #ENCODER}.
 */
final class TinyTask {

  static final Qwen2Config CONFIG =
      new Qwen2Config(512, 64, 128, 2, 4, 2, 4096, 1_000_000.0, 1e-6, true, 510, 511, "float32");

  static final List<String> CATEGORIES = List.of("alpha", "beta", "gamma");

  /** Label tokens: alpha = [10, 11], beta = [10, 12], gamma = [13]; end token 3. */
  static final PromptEncoder ENCODER =
      new PromptEncoder() {
        @Override
        public int[] prompt(SeedExample example) {
          String[] parts = example.input().split(" ");
          int[] ids = new int[parts.length + 2];
          ids[0] = 1; // a fixed "template" prefix and suffix
          for (int i = 0; i < parts.length; i++) {
            ids[i + 1] = Integer.parseInt(parts[i]);
          }
          ids[parts.length + 1] = 2;
          return ids;
        }

        @Override
        public int[] labelTokens(String category) {
          return switch (category) {
            case "alpha" -> new int[] {10, 11};
            case "beta" -> new int[] {10, 12};
            case "gamma" -> new int[] {13};
            default -> throw new IllegalArgumentException(category);
          };
        }

        @Override
        public int endTokenId() {
          return 3;
        }
      };

  static Function<String, FloatTensor> tensors(long seed) {
    Map<String, FloatTensor> cache = new HashMap<>();
    CheckpointKeys.expected(CONFIG)
        .forEach(
            (k, v) ->
                cache.put(
                    k,
                    new FloatTensor(
                        v.shape(), RandomCheckpoint.randomTensor(k, v.shape(), CONFIG, seed))));
    return cache::get;
  }

  /** Examples: random tokens in [20, 400), then the signal token 400 + class. */
  static List<SeedExample> examples(int n, long seed) {
    Random rnd = new Random(seed);
    List<SeedExample> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int c = rnd.nextInt(3);
      int len = 3 + rnd.nextInt(8);
      StringBuilder sb = new StringBuilder();
      for (int j = 0; j < len; j++) {
        sb.append(20 + rnd.nextInt(380)).append(' ');
      }
      sb.append(400 + c);
      out.add(new SeedExample(i + 1, "", sb.toString(), Optional.of(CATEGORIES.get(c))));
    }
    return out;
  }

  private TinyTask() {}
}
