package dev.qcat.inference.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code qcat} tool: {@code download}, {@code init-random}, {@code classify}, {@code eval},
 * {@code train}, {@code export-gguf}, {@code merge}, {@code bench}. Run it with {@code bin/qcat}
 * from the repository root.
 */
@Command(
    name = "qcat",
    mixinStandardHelpOptions = true,
    version = "qcat 0.1.0",
    description = "Private question categorizer: Qwen2 on the CPU, exact category scoring.",
    subcommands = {
      DownloadCommand.class,
      InitRandomCommand.class,
      ClassifyCommand.class,
      EvalCommand.class,
      TrainCommand.class,
      ExportGgufCommand.class,
      MergeCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Qcat implements Runnable {

  /** Exit code on success. */
  public static final int OK = 0;

  /** Exit code when the command failed (I/O, an inconsistent model, a network error). */
  public static final int FAILURE = 1;

  /** Exit code on bad usage (unknown option, missing or conflicting options, unusable input). */
  public static final int USAGE = 2;

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required");
  }

  /**
   * Runs the tool in-process.
   *
   * @param out standard output
   * @param err standard error (reasons, progress)
   * @param args command-line arguments
   * @return the exit code: {@link #OK}, {@link #USAGE} or {@link #FAILURE}
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cl = commandLine(out, err);
    try {
      return cl.execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }

  /**
   * @param out standard output
   * @param err standard error
   * @return the configured picocli command line. Never null.
   */
  static CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new Qcat());
    cl.setOut(out);
    cl.setErr(err);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine c = ex.getCommandLine();
          c.getErr().println(c.getCommandName() + ": " + ex.getMessage());
          c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
          return USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, c, parseResult) -> {
          if (ex instanceof UsageException) {
            c.getErr().println(c.getCommandName() + ": " + ex.getMessage());
            c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help'.");
            return USAGE;
          }
          c.getErr().println(c.getCommandName() + ": " + describe(ex));
          if (System.getenv("QCAT_DEBUG") != null) {
            ex.printStackTrace(c.getErr());
          }
          return FAILURE;
        });
    return cl;
  }

  private static String describe(Throwable ex) {
    String m = ex.getMessage();
    if (m == null || m.isBlank()) {
      return ex.getClass().getSimpleName();
    }
    return m;
  }

  /**
   * Entry point of {@code bin/qcat}.
   *
   * @param args command-line arguments
   */
  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(out, err, args));
  }
}
