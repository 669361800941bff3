package dev.qcat.inference.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes an Ollama {@code Modelfile} beside an exported GGUF so that {@code ollama create <name> -f
 * <file>} serves the model with Qwen2.5's ChatML prompt format: {@code FROM ./<gguf>} (a path
 * relative to the Modelfile), a {@code TEMPLATE} in Go template syntax that renders the same text
 * as the Hugging Face chat template with {@code add_generation_prompt} ({@code
 * <|im_start|>role\ncontent<|im_end|>\n} per message, then {@code <|im_start|>assistant\n}), the
 * default system message, and {@code <|im_end|>} / {@code <|endoftext|>} as stop sequences.
 *
 * <p>Reference: Ollama {@code docs/modelfile.md} (FROM, TEMPLATE, SYSTEM, PARAMETER stop; template
 * variables {@code .System}, {@code .Prompt}, {@code .Messages}, {@code .Response}); Qwen2.5 {@code
 * tokenizer_config.json} {@code chat_template}.
 */
public final class OllamaModelfile {

  /** Qwen2.5's default system message, used when a request brings none. */
  public static final String DEFAULT_SYSTEM = "You are a helpful assistant.";

  /**
   * ChatML in Ollama's Go template syntax: with {@code .Messages} (chat API) every non-system
   * message becomes one turn after the combined system message; with {@code .Prompt} (generate API)
   * the prompt is one user turn.
   */
  public static final String CHATML_TEMPLATE =
      """
      {{- if .Messages }}
      {{- if .System }}<|im_start|>system
      {{ .System }}<|im_end|>
      {{ end }}
      {{- range .Messages }}{{ if ne .Role "system" }}<|im_start|>{{ .Role }}
      {{ .Content }}<|im_end|>
      {{ end }}{{ end }}<|im_start|>assistant
      {{ else }}
      {{- if .System }}<|im_start|>system
      {{ .System }}<|im_end|>
      {{ end }}{{ if .Prompt }}<|im_start|>user
      {{ .Prompt }}<|im_end|>
      {{ end }}<|im_start|>assistant
      {{ end }}{{ .Response }}{{ if .Response }}<|im_end|>{{ end }}""";

  private OllamaModelfile() {}

  /**
   * The Modelfile text for a GGUF file in the same directory.
   *
   * @param ggufFileName file name of the GGUF (no directory), e.g. {@code qcat-q8_0.gguf}
   * @return the Modelfile text. Never null.
   * @throws IllegalArgumentException if the name is blank, contains a path separator or a quote
   */
  public static String text(String ggufFileName) {
    Objects.requireNonNull(ggufFileName, "ggufFileName is required.");
    if (ggufFileName.isBlank()
        || ggufFileName.contains("/")
        || ggufFileName.contains("\\")
        || ggufFileName.contains("\"")) {
      throw new IllegalArgumentException(
          "expected a plain file name for the GGUF but got '" + ggufFileName + "'");
    }
    return "FROM ./"
        + ggufFileName
        + "\n\nTEMPLATE \"\"\""
        + CHATML_TEMPLATE
        + "\"\"\"\n\nSYSTEM \"\"\""
        + DEFAULT_SYSTEM
        + "\"\"\"\n\nPARAMETER stop \"<|im_end|>\"\nPARAMETER stop \"<|endoftext|>\"\n";
  }

  /**
   * Writes {@code <stem>.Modelfile} beside a GGUF file ({@code model-q8_0.gguf} → {@code
   * model-q8_0.Modelfile}), replacing an existing one.
   *
   * @param gguf path of the exported GGUF file
   * @return path of the written Modelfile. Never null.
   * @throws IOException if the file cannot be written
   */
  public static Path writeBeside(Path gguf) throws IOException {
    Objects.requireNonNull(gguf, "gguf is required.");
    String name = gguf.getFileName().toString();
    String stem = name.endsWith(".gguf") ? name.substring(0, name.length() - 5) : name;
    Path out = gguf.toAbsolutePath().resolveSibling(stem + ".Modelfile");
    Files.writeString(out, text(name), StandardCharsets.UTF_8);
    return out;
  }
}
