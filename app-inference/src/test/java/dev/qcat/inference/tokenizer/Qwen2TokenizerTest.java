package dev.qcat.inference.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.model.Qwen2Config;
import dev.qcat.inference.model.RandomCheckpoint;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Qwen2TokenizerTest {

  @TempDir Path dir;

  private static Path realTokenizer() {
    Optional<Path> p = Qwen2Tokenizer.findQwen25TokenizerJson();
    assumeTrue(p.isPresent(), "real Qwen tokenizer not installed (npm ci in tools/llama-ref)");
    return p.get();
  }

  @Test
  void realTokenizerGivesReferenceIds() {
    try (Qwen2Tokenizer t = Qwen2Tokenizer.load(realTokenizer())) {
      assertArrayEquals(
          new int[] {3838, 374, 279, 6722, 315, 9625, 30},
          t.encode("What is the capital of France?"));
      assertArrayEquals(
          new int[] {151644, 872, 198, 13048, 3958, 151645},
          t.encode("<|im_start|>user\nHi é<|im_end|>"));
      assertEquals(151643, t.endOfTextId());
      assertEquals(151644, t.imStartId());
      assertEquals(151645, t.imEndId());
      assertEquals(
          "<|im_start|>user\nHi é<|im_end|>",
          t.decode(t.encode("<|im_start|>user\nHi é<|im_end|>")));
    }
  }

  @Test
  void longTextIsNotTruncated() {
    try (Qwen2Tokenizer t = Qwen2Tokenizer.load(realTokenizer())) {
      String text = " word".repeat(3000);
      assertEquals(3000, t.encode(text).length);
    }
  }

  @Test
  void promptAndAnswerTokenizeApartAsTogether() {
    try (Qwen2Tokenizer t = Qwen2Tokenizer.load(realTokenizer())) {
      String prompt =
          ChatMlFormat.classificationPrompt(
              ChatMlFormat.DEFAULT_INSTRUCTION, "How do I activate my card?");
      for (String category : new String[] {"activate_my_card", "Card arrival", "card", "3ds"}) {
        int[] apart = concat(t.encode(prompt), ChatMlFormat.answerTokens(t, category));
        assertArrayEquals(t.encode(prompt + ChatMlFormat.answer(category)), apart, category);
      }
      int[] p = t.encode(prompt);
      assertEquals(151644, p[0]);
      assertArrayEquals(
          new int[] {151644, 77091, 198}, Arrays.copyOfRange(p, p.length - 3, p.length));
    }
  }

  @Test
  void promptIsChatMlWithDefaultSystemMessage() {
    assertEquals(
        "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"
            + "<|im_start|>user\nCategorize the following user query.\nWhere is my card?<|im_end|>\n"
            + "<|im_start|>assistant\n",
        ChatMlFormat.classificationPrompt(ChatMlFormat.DEFAULT_INSTRUCTION, "Where is my card?"));
    assertEquals("card_arrival<|im_end|>", ChatMlFormat.answer("card_arrival"));
  }

  @Test
  void byteLevelTokenizerCoversAllBytesAndSpecials() {
    RandomCheckpoint.write(
        dir,
        Qwen2Config.tiny(),
        SafetensorsDtype.F32,
        1,
        RandomCheckpoint.TokenizerKind.BYTE_LEVEL,
        null);
    try (Qwen2Tokenizer t = Qwen2Tokenizer.load(dir.resolve("tokenizer.json"))) {
      int special = 256 + 24;
      assertEquals(special, t.endOfTextId());
      assertEquals(special + 1, t.imStartId());
      assertEquals(special + 2, t.imEndId());
      String text = "<|im_start|>user\nthe café 🙂 at 12:00<|im_end|>";
      int[] ids = t.encode(text);
      assertEquals(special + 1, ids[0]);
      assertEquals(special + 2, ids[ids.length - 1]);
      assertEquals(text, t.decode(ids));
      // "Ġthe" is a merge of "Ġt" and "he"
      assertEquals(1, IntStream.of(t.encode(" the")).count());
    }
  }

  @Test
  void missingFileIsNamed() {
    Path missing = dir.resolve("tokenizer.json");
    UncheckedIOException e =
        assertThrows(UncheckedIOException.class, () -> Qwen2Tokenizer.load(missing));
    assertEquals("missing " + missing.toAbsolutePath(), e.getMessage());
  }

  private static int[] concat(int[] a, int[] b) {
    int[] out = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
