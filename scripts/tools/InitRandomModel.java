import dev.qcat.inference.io.SafetensorsDtype;
import dev.qcat.inference.model.RandomCheckpoint;
import java.nio.file.Path;

/**
 * Writes a random Qwen2 checkpoint for demos and tests (scripts/qcat-server, scripts/it.sh):
 * {@code InitRandomModel PRESET DIR [SEED]}, preset {@code tiny} with the tiny byte-level
 * tokenizer. Its answers are RANDOM. Run with the engine jars on the class path
 * (.qcat-work/engine-lib/*). Stands in for {@code bin/qcat init-random} until the CLI has it.
 */
public class InitRandomModel {
  public static void main(String[] args) {
    if (args.length < 2) {
      System.err.println("usage: InitRandomModel tiny DIR [SEED]");
      System.exit(2);
    }
    long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
    var config =
        RandomCheckpoint.write(
            Path.of(args[1]),
            RandomCheckpoint.preset(args[0]),
            SafetensorsDtype.F32,
            seed,
            RandomCheckpoint.TokenizerKind.BYTE_LEVEL,
            null);
    System.out.println("wrote random " + args[0] + " checkpoint to " + args[1] + ": " + config);
  }
}
