package dev.qcat.inference.training;

import dev.qcat.inference.data.SeedExample;
import dev.qcat.inference.tokenizer.ChatMlFormat;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import java.util.Arrays;
import java.util.Objects;

/**
 * Turns examples into token ids for training and evaluation: the prompt (DESIGN.md §2: ChatML with
 * the example's instruction and question, ending with the assistant turn's opening line) and the
 * answer (the category name's tokens, then the end token {@code <|im_end|>}); the loss is taken on
 * the answer only.
 */
public interface PromptEncoder {

  /**
   * @param example the example
   * @return the prompt's token ids, non-empty. Never null.
   */
  int[] prompt(SeedExample example);

  /**
   * @param category a category name
   * @return the name's token ids without the end token, non-empty. Never null.
   */
  int[] labelTokens(String category);

  /**
   * @return the token that closes an answer ({@code <|im_end|>})
   */
  int endTokenId();

  /**
   * @param category a category name
   * @return {@link #labelTokens} followed by {@link #endTokenId}. Never null.
   */
  default int[] answer(String category) {
    int[] label = labelTokens(category);
    int[] out = Arrays.copyOf(label, label.length + 1);
    out[label.length] = endTokenId();
    return out;
  }

  /**
   * The ChatML encoder of DESIGN.md §2 over the Qwen2 tokenizer.
   *
   * @param tokenizer the tokenizer (not closed by the encoder)
   * @return the encoder. Never null.
   */
  static PromptEncoder chatMl(Qwen2Tokenizer tokenizer) {
    Objects.requireNonNull(tokenizer, "tokenizer is required.");
    return new PromptEncoder() {
      @Override
      public int[] prompt(SeedExample example) {
        return tokenizer.encode(
            ChatMlFormat.classificationPrompt(example.instruction(), example.input()));
      }

      @Override
      public int[] labelTokens(String category) {
        return tokenizer.encode(category);
      }

      @Override
      public int endTokenId() {
        return tokenizer.imEndId();
      }
    };
  }
}
