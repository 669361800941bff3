package dev.qcat.inference.cli;

import dev.qcat.inference.hub.HubDownloader;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code qcat download}: an HF model repository's config, weights and tokenizer files. */
@Command(
    name = "download",
    mixinStandardHelpOptions = true,
    description = {
      "Download an HF model repository's config.json, *.safetensors (+ index), tokenizer.json,"
          + " tokenizer_config.json and generation_config.json from the Hugging Face hub or a"
          + " mirror. Resumes interrupted downloads; verifies each file against the hub's sha256"
          + " (git blob sha1 for small files).",
      "Environment: HF_TOKEN (gated or private repositories), HF_ENDPOINT (mirror base URL)."
    })
final class DownloadCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "REPO",
      description = "Repository id, e.g. Qwen/Qwen2.5-0.5B-Instruct.")
  String repo;

  @Option(
      names = "--revision",
      defaultValue = "main",
      description = "Branch, tag or commit (default: ${DEFAULT-VALUE}).")
  String revision;

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Target directory (created if missing).")
  Path out;

  @Option(
      names = "--endpoint",
      paramLabel = "URL",
      description =
          "Hub or mirror base URL; overrides HF_ENDPOINT (default https://huggingface.co).")
  URI endpoint;

  @Override
  public Integer call() throws Exception {
    if (!repo.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new UsageException("expected REPO as owner/name but got \"" + repo + "\"");
    }
    if (Files.exists(out) && !Files.isDirectory(out)) {
      throw new UsageException("--out " + out + " exists and is not a directory");
    }
    PrintStream progress = Cli.printStream(spec.commandLine().getErr());
    HubDownloader d = HubDownloader.fromEnvironment(System.getenv(), endpoint, progress);
    spec.commandLine()
        .getErr()
        .println("fetching " + repo + "@" + revision + " from " + d.endpoint());
    List<Path> files = d.downloadModel(repo, revision, out);
    for (Path f : files) {
      spec.commandLine().getOut().println(f);
    }
    return Qcat.OK;
  }
}
