package dev.qcat.inference.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Downloads the files of a Hugging Face model repository that qcat needs (config, safetensors and
 * their index, tokenizer, generation config) from the hub or a mirror, resumably and verified.
 *
 * <p>Hub protocol (as {@code huggingface_hub} uses it): {@code GET
 * {endpoint}/api/models/{repo}/revision/{revision}?blobs=true} lists {@code siblings} with {@code
 * rfilename}, {@code size}, {@code blobId} (git blob sha1) and, for LFS files, {@code lfs.sha256};
 * {@code GET {endpoint}/{repo}/resolve/{revision}/{file}} serves a file, LFS files through a
 * redirect to a CDN whose first answer carries {@code X-Linked-Etag} (the sha256) and {@code
 * X-Linked-Size}. A mirror is an endpoint with the same paths ({@code HF_ENDPOINT}, e.g. {@code
 * https://hf-mirror.com}). {@code Authorization: Bearer $HF_TOKEN} is sent to the endpoint's host
 * only, never to a CDN on another host.
 *
 * <p>Each file is written to {@code <name>.part} and moved into place once verified: LFS files
 * against their sha256, other files against their git blob sha1. An interrupted download resumes
 * with an HTTP {@code Range} request from the length of the {@code .part} file; a server that
 * ignores the range (200 instead of 206) restarts the file. A checksum mismatch deletes the {@code
 * .part} file and fails. A file already present and matching its checksum is not fetched again.
 */
public final class HubDownloader {

  /** The public hub. */
  public static final URI DEFAULT_ENDPOINT = URI.create("https://huggingface.co");

  /** Files qcat loads: config, weights (single or sharded), tokenizer, generation config. */
  public static final Predicate<String> MODEL_FILES =
      name ->
          name.equals("config.json")
              || name.equals("generation_config.json")
              || name.equals("tokenizer.json")
              || name.equals("tokenizer_config.json")
              || name.equals("model.safetensors.index.json")
              || (name.endsWith(".safetensors") && !name.contains("/"));

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern HEX40 = Pattern.compile("[0-9a-f]{40}");
  private static final int MAX_REDIRECTS = 5;

  private final URI endpoint;
  private final Optional<String> token;
  private final HttpClient http;
  private final PrintStream progress;
  private final Duration readTimeout;

  /**
   * @param endpoint the hub or mirror base URL, e.g. {@code https://huggingface.co}; never null
   * @param token an access token for gated or private repositories; never null
   * @param progress where the progress bars go (stderr in the CLI); null for none
   */
  public HubDownloader(URI endpoint, Optional<String> token, PrintStream progress) {
    this(endpoint, token, progress, Duration.ofSeconds(60));
  }

  /**
   * @param endpoint the hub or mirror base URL, e.g. {@code https://huggingface.co}; never null
   * @param token an access token for gated or private repositories; never null
   * @param progress where the progress bars go (stderr in the CLI); null for none
   * @param readTimeout how long a transfer may receive nothing before it is abandoned (the {@code
   *     .part} file stays for a resume); never null
   */
  public HubDownloader(
      URI endpoint, Optional<String> token, PrintStream progress, Duration readTimeout) {
    this.readTimeout = Objects.requireNonNull(readTimeout, "readTimeout is required.");
    String base = Objects.requireNonNull(endpoint, "endpoint is required.").toString();
    this.endpoint = URI.create(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
    this.token = Objects.requireNonNull(token, "token is required.").filter(t -> !t.isBlank());
    this.progress = progress;
    this.http =
        HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(30))
            .build();
  }

  /**
   * A downloader configured from the environment: {@code HF_ENDPOINT} (default the public hub) and
   * {@code HF_TOKEN}.
   *
   * @param env the environment, e.g. {@code System.getenv()}; never null
   * @param endpointOverride an endpoint that wins over {@code HF_ENDPOINT}, or null
   * @param progress where the progress bars go; null for none
   * @return a downloader. Never null.
   */
  public static HubDownloader fromEnvironment(
      Map<String, String> env, URI endpointOverride, PrintStream progress) {
    URI endpoint = endpointOverride;
    if (endpoint == null) {
      String e = env.get("HF_ENDPOINT");
      endpoint = e == null || e.isBlank() ? DEFAULT_ENDPOINT : URI.create(e.strip());
    }
    return new HubDownloader(endpoint, Optional.ofNullable(env.get("HF_TOKEN")), progress);
  }

  /**
   * @return the base URL requests go to. Never null.
   */
  public URI endpoint() {
    return endpoint;
  }

  /**
   * Lists a repository's files at a revision.
   *
   * @param repo {@code owner/name}, e.g. {@code Qwen/Qwen2.5-0.5B-Instruct}
   * @param revision branch, tag or commit, e.g. {@code main}
   * @return every file of the listing, in listing order. Never null.
   * @throws IOException on a network failure, an HTTP error (named with status and URL) or a
   *     listing that is not the hub's JSON shape
   */
  public List<RemoteFile> listFiles(String repo, String revision) throws IOException {
    checkRepo(repo);
    URI uri =
        URI.create(
            endpoint
                + "/api/models/"
                + repo
                + "/revision/"
                + encodeSegment(revision)
                + "?blobs=true");
    HttpResponse<byte[]> r =
        send(request(uri).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw httpError(r.statusCode(), uri, repo, revision);
    }
    JsonNode root;
    try {
      root = JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IOException("listing " + uri + " is not JSON: " + e.getMessage(), e);
    }
    JsonNode siblings = root.get("siblings");
    if (siblings == null || !siblings.isArray()) {
      throw new IOException("listing " + uri + " has no \"siblings\" array");
    }
    List<RemoteFile> out = new ArrayList<>();
    for (JsonNode s : siblings) {
      String name = s.path("rfilename").asText("");
      if (name.isEmpty()) {
        continue;
      }
      JsonNode lfs = s.get("lfs");
      boolean isLfs = lfs != null && lfs.isObject();
      long size = isLfs && lfs.has("size") ? lfs.get("size").asLong() : s.path("size").asLong(-1);
      Optional<String> sha256 =
          isLfs ? hex(lfs.path("sha256").asText(""), HEX64) : Optional.empty();
      Optional<String> blob = hex(s.path("blobId").asText(""), HEX40);
      out.add(new RemoteFile(name, size, sha256, blob, isLfs));
    }
    return out;
  }

  /**
   * Downloads the model files ({@link #MODEL_FILES}) of a repository into a directory.
   *
   * @param repo {@code owner/name}
   * @param revision branch, tag or commit
   * @param outDir target directory, created if missing
   * @return the files now present in {@code outDir}, in listing order. Never null.
   * @throws IOException on a network or HTTP failure, a checksum mismatch (the partial file is
   *     deleted), or a repository without {@code config.json}, {@code tokenizer.json} or any {@code
   *     .safetensors} file
   */
  public List<Path> downloadModel(String repo, String revision, Path outDir) throws IOException {
    List<RemoteFile> all = listFiles(repo, revision);
    List<RemoteFile> wanted = all.stream().filter(f -> MODEL_FILES.test(f.name())).toList();
    List<String> names = wanted.stream().map(RemoteFile::name).toList();
    for (String required : List.of("config.json", "tokenizer.json")) {
      if (!names.contains(required)) {
        throw new IOException(
            repo + "@" + revision + " has no " + required + " (files: " + allNames(all) + ")");
      }
    }
    if (names.stream().noneMatch(n -> n.endsWith(".safetensors"))) {
      throw new IOException(
          repo + "@" + revision + " has no *.safetensors weights (files: " + allNames(all) + ")");
    }
    Files.createDirectories(outDir);
    List<Path> out = new ArrayList<>();
    for (RemoteFile f : wanted) {
      out.add(downloadFile(repo, revision, f, outDir));
    }
    return out;
  }

  /**
   * Downloads one file, resuming a {@code .part} file left by an interrupted run, and verifies it.
   *
   * @param repo {@code owner/name}
   * @param revision branch, tag or commit
   * @param file the file as listed
   * @param outDir target directory (must exist)
   * @return the verified file, {@code outDir/<name>}. Never null.
   * @throws IOException on a network or HTTP failure or a checksum or size mismatch
   */
  public Path downloadFile(String repo, String revision, RemoteFile file, Path outDir)
      throws IOException {
    checkRepo(repo);
    if (file.name().contains("..") || file.name().startsWith("/") || file.name().contains("\\")) {
      throw new IOException("refusing file name " + file.name() + " (path outside the target)");
    }
    Path target = outDir.resolve(file.name());
    Path part = target.resolveSibling(target.getFileName() + ".part");
    if (target.getParent() != null) {
      Files.createDirectories(target.getParent());
    }
    if (Files.exists(target) && verify(file, target, file.sha256()).isEmpty()) {
      say(file.name() + ": already present and verified");
      return target;
    }
    URI uri =
        URI.create(
            endpoint
                + "/"
                + repo
                + "/resolve/"
                + encodeSegment(revision)
                + "/"
                + encodePath(file.name()));
    long have = Files.exists(part) ? Files.size(part) : 0;
    if (file.size() >= 0 && have > file.size()) {
      Files.delete(part);
      have = 0;
    }
    Optional<String> headerSha256 = Optional.empty();
    if (file.size() < 0 || have < file.size()) {
      headerSha256 = fetch(uri, file, part, have);
    }
    Optional<String> expectedSha = file.sha256().isPresent() ? file.sha256() : headerSha256;
    Optional<String> problem = verify(file, part, expectedSha);
    if (problem.isPresent()) {
      Files.deleteIfExists(part);
      throw new IOException(
          file.name()
              + ": "
              + problem.get()
              + " (deleted the download; run again to fetch it anew)");
    }
    Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return target;
  }

  /** GETs {@code uri} into {@code part} from byte {@code have}; returns X-Linked-Etag if sha256. */
  private Optional<String> fetch(URI uri, RemoteFile file, Path part, long have)
      throws IOException {
    URI current = uri;
    Optional<String> linkedSha = Optional.empty();
    for (int hop = 0; ; hop++) {
      HttpRequest.Builder b =
          sameHost(current)
              ? request(current).GET()
              : HttpRequest.newBuilder(current).header("User-Agent", "qcat").GET();
      if (have > 0) {
        b.header("Range", "bytes=" + have + "-");
      }
      Transfer t = new Transfer(part, have, file.size(), file.name());
      HttpResponse<Void> r = t.run(b.build());
      Optional<String> fromHeader = linkedSha256(r.headers());
      linkedSha = linkedSha.or(() -> fromHeader);
      int status = r.statusCode();
      if (status >= 300 && status < 400 && r.headers().firstValue("Location").isPresent()) {
        if (hop >= MAX_REDIRECTS) {
          throw new IOException("more than " + MAX_REDIRECTS + " redirects fetching " + uri);
        }
        current = current.resolve(r.headers().firstValue("Location").get());
        continue;
      }
      if (status == 416 && have > 0) {
        // The range starts at or past the end: the .part file is stale; start again.
        Files.deleteIfExists(part);
        have = 0;
        current = uri;
        continue;
      }
      if (status != 200 && status != 206) {
        throw httpError(status, current, null, null);
      }
      return linkedSha;
    }
  }

  /**
   * One GET whose body, when the status is 200 or 206, streams into the {@code .part} file chunk by
   * chunk (what arrived survives an interruption). A transfer that receives nothing for {@code
   * readTimeout} is abandoned: java.net.http has no read timeout of its own.
   */
  private final class Transfer {
    private final Path part;
    private final long have;
    private final long size;
    private final String name;
    private final Object lock = new Object();
    private OutputStream out;
    private ProgressBar bar;
    private long done;
    private boolean abandoned;
    private volatile long lastProgressNanos = System.nanoTime();
    private volatile IOException handlerProblem;

    Transfer(Path part, long have, long size, String name) {
      this.part = part;
      this.have = have;
      this.size = size;
      this.name = name;
    }

    HttpResponse<Void> run(HttpRequest req) throws IOException {
      CompletableFuture<HttpResponse<Void>> f = http.sendAsync(req, this::subscriber);
      try {
        while (true) {
          try {
            HttpResponse<Void> r = f.get(250, TimeUnit.MILLISECONDS);
            if (handlerProblem != null) {
              throw handlerProblem;
            }
            finishBar();
            return r;
          } catch (TimeoutException e) {
            long idle = System.nanoTime() - lastProgressNanos;
            if (idle > readTimeout.toNanos()) {
              f.cancel(true);
              throw new IOException(
                  "no data from " + req.uri() + " for " + readTimeout.toMillis() + " ms");
            }
          }
        }
      } catch (InterruptedException e) {
        f.cancel(true);
        Thread.currentThread().interrupt();
        throw interrupted("interrupted", e);
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (opened()) {
          throw interrupted(String.valueOf(cause), cause);
        }
        throw new IOException("cannot reach " + req.uri() + ": " + cause, cause);
      } catch (IOException e) {
        throw opened() ? interrupted(e.getMessage(), e) : e;
      } finally {
        close();
      }
    }

    private boolean opened() {
      synchronized (lock) {
        return out != null;
      }
    }

    private IOException interrupted(String why, Throwable cause) throws IOException {
      close();
      return new IOException(
          name
              + ": download interrupted ("
              + why
              + "); run again to resume from "
              + (Files.exists(part) ? Files.size(part) : 0)
              + " bytes",
          cause);
    }

    private HttpResponse.BodySubscriber<Void> subscriber(HttpResponse.ResponseInfo info) {
      lastProgressNanos = System.nanoTime();
      int status = info.statusCode();
      if (status != 200 && status != 206) {
        return HttpResponse.BodySubscribers.replacing(null);
      }
      try {
        boolean append = status == 206 && have > 0;
        if (status == 206) {
          long start = contentRangeStart(info.headers());
          if (start != have) {
            throw new IOException(
                "asked for bytes from " + have + " but got a range starting at " + start);
          }
        }
        long total =
            size >= 0
                ? size
                : info.headers().firstValueAsLong("Content-Length").orElse(-1)
                    + (append ? have : 0);
        synchronized (lock) {
          out =
              Files.newOutputStream(
                  part,
                  StandardOpenOption.CREATE,
                  StandardOpenOption.WRITE,
                  append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
          done = append ? have : 0;
          bar = new ProgressBar(progress, name, total, done);
        }
      } catch (IOException e) {
        handlerProblem = e;
        return HttpResponse.BodySubscribers.replacing(null);
      }
      return HttpResponse.BodySubscribers.ofByteArrayConsumer(this::accept);
    }

    private void accept(Optional<byte[]> chunk) {
      synchronized (lock) {
        if (abandoned || out == null || chunk.isEmpty()) {
          return;
        }
        try {
          out.write(chunk.get());
          done += chunk.get().length;
          bar.update(done);
          lastProgressNanos = System.nanoTime();
        } catch (IOException e) {
          handlerProblem = e;
          abandoned = true;
        }
      }
    }

    private void finishBar() {
      synchronized (lock) {
        if (bar != null) {
          bar.finish(done);
          bar = null;
        }
      }
    }

    private void close() throws IOException {
      synchronized (lock) {
        abandoned = true;
        if (bar != null) {
          bar.abort();
          bar = null;
        }
        if (out != null) {
          out.close();
        }
      }
    }
  }

  /** Checks size and checksum; returns the problem, or empty when the file is good. */
  private static Optional<String> verify(RemoteFile file, Path path, Optional<String> sha256)
      throws IOException {
    if (!Files.exists(path)) {
      return Optional.of("missing after download");
    }
    long size = Files.size(path);
    if (file.size() >= 0 && size != file.size()) {
      return Optional.of("expected " + file.size() + " bytes but got " + size);
    }
    if (sha256.isPresent()) {
      String got = digest(path, "SHA-256", null);
      return got.equals(sha256.get())
          ? Optional.empty()
          : Optional.of("sha256 mismatch: expected " + sha256.get() + " but got " + got);
    }
    if (!file.lfs() && file.gitBlobSha1().isPresent()) {
      String got =
          digest(path, "SHA-1", ("blob " + size + "\0").getBytes(StandardCharsets.US_ASCII));
      return got.equals(file.gitBlobSha1().get())
          ? Optional.empty()
          : Optional.of(
              "git blob sha1 mismatch: expected " + file.gitBlobSha1().get() + " but got " + got);
    }
    return Optional.of(
        "no checksum to verify against (the listing gave neither lfs.sha256 nor blobId)");
  }

  /**
   * @param path a file
   * @param algorithm {@code SHA-256} or {@code SHA-1}
   * @param prefix bytes hashed before the content, or null
   * @return lowercase hex digest. Never null.
   * @throws IOException if the file cannot be read
   */
  static String digest(Path path, String algorithm, byte[] prefix) throws IOException {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is part of every JDK", e);
    }
    if (prefix != null) {
      md.update(prefix);
    }
    try (InputStream in = Files.newInputStream(path)) {
      byte[] buf = new byte[1 << 20];
      int n;
      while ((n = in.read(buf)) >= 0) {
        md.update(buf, 0, n);
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static Optional<String> linkedSha256(HttpHeaders h) {
    return h.firstValue("X-Linked-Etag").map(HubDownloader::unquote).flatMap(v -> hex(v, HEX64));
  }

  private static long contentRangeStart(HttpHeaders h) throws IOException {
    String v =
        h.firstValue("Content-Range")
            .orElseThrow(() -> new IOException("206 without Content-Range"));
    // "bytes START-END/TOTAL"
    try {
      String range = v.strip().substring("bytes ".length());
      return Long.parseLong(range.substring(0, range.indexOf('-')).strip());
    } catch (RuntimeException e) {
      throw new IOException("unreadable Content-Range \"" + v + "\"", e);
    }
  }

  private static String unquote(String etag) {
    String v = etag.strip();
    if (v.startsWith("W/")) {
      v = v.substring(2);
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    return v.toLowerCase(Locale.ROOT);
  }

  private static Optional<String> hex(String v, Pattern p) {
    String s = v.toLowerCase(Locale.ROOT);
    return p.matcher(s).matches() ? Optional.of(s) : Optional.empty();
  }

  private HttpRequest.Builder request(URI uri) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(10)).header("User-Agent", "qcat");
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  private boolean sameHost(URI uri) {
    return Objects.equals(uri.getHost(), endpoint.getHost())
        && uri.getPort() == endpoint.getPort()
        && Objects.equals(uri.getScheme(), endpoint.getScheme());
  }

  private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler)
      throws IOException {
    try {
      return http.send(req, handler);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while fetching " + req.uri(), e);
    } catch (IOException e) {
      throw new IOException("cannot reach " + req.uri() + ": " + e, e);
    }
  }

  private IOException httpError(int status, URI uri, String repo, String revision) {
    String hint =
        switch (status) {
          case 401, 403 ->
              token.isPresent()
                  ? " (the token in HF_TOKEN has no access to it)"
                  : " (gated or private: set HF_TOKEN)";
          case 404 ->
              repo == null ? "" : " (no repository " + repo + " at revision " + revision + ")";
          default -> "";
        };
    return new IOException("HTTP " + status + " from " + uri + hint);
  }

  private static void checkRepo(String repo) {
    if (repo == null || !repo.matches("[A-Za-z0-9][A-Za-z0-9._-]*/[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("expected a repository id owner/name but got " + repo);
    }
  }

  private static String encodeSegment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String encodePath(String path) {
    String[] parts = path.split("/");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        sb.append('/');
      }
      sb.append(encodeSegment(parts[i]));
    }
    return sb.toString();
  }

  private static String allNames(List<RemoteFile> files) {
    return String.join(", ", files.stream().map(RemoteFile::name).toList());
  }

  private void say(String line) {
    if (progress != null) {
      progress.println(line);
    }
  }
}
