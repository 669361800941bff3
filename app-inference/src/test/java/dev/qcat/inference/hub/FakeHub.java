package dev.qcat.inference.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loopback HTTP server that answers like the Hugging Face hub: {@code
 * /api/models/{repo}/revision/{rev}?blobs=true} lists siblings (rfilename, size, blobId,
 * lfs.sha256), {@code /{repo}/resolve/{rev}/{file}} serves small files directly and redirects LFS
 * files to a "CDN" on another host name ({@code localhost} instead of {@code 127.0.0.1}) with
 * X-Linked-Etag, which honours {@code Range}.
 */
final class FakeHub implements AutoCloseable {

  record Request(String path, String range, String authorization) {}

  final HttpServer server;
  private final java.util.concurrent.ExecutorService executor =
      java.util.concurrent.Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "fake-hub");
            t.setDaemon(true);
            return t;
          });
  final String repo;
  final Map<String, byte[]> files = new LinkedHashMap<>();
  final Map<String, Boolean> lfs = new LinkedHashMap<>();
  final Map<String, String> listedSha256 = new LinkedHashMap<>();
  final List<Request> requests = Collections.synchronizedList(new ArrayList<>());

  final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

  /** Bytes the CDN sends before stalling the connection on its next answer; -1 for no cut. */
  volatile long cutAfter = -1;

  /** Whether the listing carries blobs (sizes, blob ids, lfs) or only names, like a poor mirror. */
  volatile boolean listBlobs = true;

  FakeHub(String repo) throws IOException {
    this.repo = repo;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  void put(String name, byte[] content, boolean isLfs) {
    files.put(name, content);
    lfs.put(name, isLfs);
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private void handle(HttpExchange ex) throws IOException {
    String path = ex.getRequestURI().getRawPath();
    requests.add(
        new Request(
            path,
            ex.getRequestHeaders().getFirst("Range"),
            ex.getRequestHeaders().getFirst("Authorization")));
    try {
      if (path.equals("/api/models/" + repo + "/revision/main")) {
        listing(ex);
      } else if (path.startsWith("/" + repo + "/resolve/main/")) {
        resolve(ex, path.substring(("/" + repo + "/resolve/main/").length()));
      } else if (path.startsWith("/cdn/")) {
        cdn(ex, path.substring("/cdn/".length()));
      } else {
        send(ex, 404, "Repository not found".getBytes(StandardCharsets.UTF_8));
      }
    } finally {
      ex.close();
    }
  }

  private void listing(HttpExchange ex) throws IOException {
    StringBuilder sb =
        new StringBuilder(
            "{\"id\":\"" + repo + "\",\"sha\":\"" + "a".repeat(40) + "\",\"siblings\":[");
    boolean first = true;
    for (var e : files.entrySet()) {
      if (!first) {
        sb.append(',');
      }
      first = false;
      sb.append("{\"rfilename\":\"").append(e.getKey()).append('"');
      if (listBlobs) {
        byte[] c = e.getValue();
        sb.append(",\"size\":").append(c.length);
        sb.append(",\"blobId\":\"").append(gitBlobSha1(c)).append('"');
        if (lfs.get(e.getKey())) {
          String sha = listedSha256.getOrDefault(e.getKey(), sha256(c));
          sb.append(",\"lfs\":{\"sha256\":\"")
              .append(sha)
              .append("\",\"size\":")
              .append(c.length)
              .append(",\"pointerSize\":134}");
        }
      }
      sb.append('}');
    }
    sb.append("]}");
    ex.getResponseHeaders().add("Content-Type", "application/json");
    send(ex, 200, sb.toString().getBytes(StandardCharsets.UTF_8));
  }

  private void resolve(HttpExchange ex, String name) throws IOException {
    byte[] c = files.get(name);
    if (c == null) {
      send(ex, 404, "Entry not found".getBytes(StandardCharsets.UTF_8));
      return;
    }
    if (lfs.get(name)) {
      String sha = sha256(c);
      ex.getResponseHeaders().add("X-Linked-Etag", "\"" + sha + "\"");
      ex.getResponseHeaders().add("X-Linked-Size", String.valueOf(c.length));
      ex.getResponseHeaders()
          .add("Location", "http://localhost:" + server.getAddress().getPort() + "/cdn/" + name);
      ex.sendResponseHeaders(302, -1);
      return;
    }
    ex.getResponseHeaders().add("ETag", "\"" + gitBlobSha1(c) + "\"");
    send(ex, 200, c);
  }

  private void cdn(HttpExchange ex, String name) throws IOException {
    byte[] c = files.get(name);
    String range = ex.getRequestHeaders().getFirst("Range");
    int from = 0;
    int status = 200;
    if (range != null) {
      from = Integer.parseInt(range.substring("bytes=".length(), range.indexOf('-')));
      if (from >= c.length) {
        ex.getResponseHeaders().add("Content-Range", "bytes */" + c.length);
        ex.sendResponseHeaders(416, -1);
        return;
      }
      status = 206;
      ex.getResponseHeaders()
          .add("Content-Range", "bytes " + from + "-" + (c.length - 1) + "/" + c.length);
    }
    int length = c.length - from;
    ex.sendResponseHeaders(status, length);
    OutputStream out = ex.getResponseBody();
    long cut = cutAfter;
    if (cut >= 0 && cut < length) {
      cutAfter = -1;
      out.write(c, from, (int) cut);
      out.flush();
      // Then stall, as a dropped mobile connection does, until the test ends.
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      throw new IOException("stalled transfer abandoned");
    }
    out.write(c, from, length);
  }

  private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
    ex.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    if (body.length > 0) {
      ex.getResponseBody().write(body);
    }
  }

  static String sha256(byte[] c) {
    return hash("SHA-256", null, c);
  }

  static String gitBlobSha1(byte[] c) {
    return hash("SHA-1", ("blob " + c.length + "\0").getBytes(StandardCharsets.US_ASCII), c);
  }

  private static String hash(String algorithm, byte[] prefix, byte[] c) {
    try {
      MessageDigest md = MessageDigest.getInstance(algorithm);
      if (prefix != null) {
        md.update(prefix);
      }
      return HexFormat.of().formatHex(md.digest(c));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    release.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
