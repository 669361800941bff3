package dev.qcat.inference.tokenizer;

import java.util.Objects;

/**
 * Renders classification examples in ChatML, the chat format of Qwen2.5-Instruct (its {@code
 * tokenizer_config.json} chat template with the default system message).
 *
 * <p>The prompt of a question is, exactly (DESIGN.md §2):
 *
 * <pre>
 * &lt;|im_start|&gt;system\nYou are a helpful assistant.&lt;|im_end|&gt;\n
 * &lt;|im_start|&gt;user\n{instruction}\n{input}&lt;|im_end|&gt;\n
 * &lt;|im_start|&gt;assistant\n
 * </pre>
 *
 * (without the line breaks after each {@code \n}). The answer is the category name followed by
 * {@code <|im_end|>}; its tokens are the tokens of the name then the id of {@code <|im_end|>}.
 * Because the prompt ends in {@code "\n"} and Qwen's pre-tokenizer never joins a line break to the
 * letters after it, {@code encode(prompt) + encode(answer)} equals {@code encode(prompt + answer)}
 * for names starting with a letter or digit, so prompt and answer may be tokenized apart.
 */
public final class ChatMlFormat {

  /** Qwen2.5's default system message. */
  public static final String DEFAULT_SYSTEM = "You are a helpful assistant.";

  /** The default taxonomy instruction (the seed dataset's {@code instruction}). */
  public static final String DEFAULT_INSTRUCTION = "Categorize the following user query.";

  private ChatMlFormat() {}

  /**
   * @param instruction the task, e.g. {@link #DEFAULT_INSTRUCTION}
   * @param input the question to classify
   * @return the prompt, ending with the assistant turn's opening line. Never null.
   */
  public static String classificationPrompt(String instruction, String input) {
    return classificationPrompt(DEFAULT_SYSTEM, instruction, input);
  }

  /**
   * @param system the system message
   * @param instruction the task
   * @param input the question to classify
   * @return the prompt, ending with {@code "<|im_start|>assistant\n"}. Never null.
   */
  public static String classificationPrompt(String system, String instruction, String input) {
    Objects.requireNonNull(system, "system message is required.");
    Objects.requireNonNull(instruction, "instruction is required.");
    Objects.requireNonNull(input, "input is required.");
    return Qwen2Tokenizer.IM_START
        + "system\n"
        + system
        + Qwen2Tokenizer.IM_END
        + "\n"
        + Qwen2Tokenizer.IM_START
        + "user\n"
        + instruction
        + "\n"
        + input
        + Qwen2Tokenizer.IM_END
        + "\n"
        + Qwen2Tokenizer.IM_START
        + "assistant\n";
  }

  /**
   * @param category the category name
   * @return the assistant's answer, {@code category + "<|im_end|>"}. Never null.
   */
  public static String answer(String category) {
    return Objects.requireNonNull(category, "category is required.") + Qwen2Tokenizer.IM_END;
  }

  /**
   * Token ids of an answer: the name's tokens then {@code <|im_end|>}.
   *
   * @param tokenizer the tokenizer
   * @param category the category name
   * @return token ids. Never null.
   */
  public static int[] answerTokens(Qwen2Tokenizer tokenizer, String category) {
    int[] name = tokenizer.encode(Objects.requireNonNull(category, "category is required."));
    int[] out = java.util.Arrays.copyOf(name, name.length + 1);
    out[name.length] = tokenizer.imEndId();
    return out;
  }
}
