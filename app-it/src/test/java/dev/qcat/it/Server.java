package dev.qcat.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The Payara domain under test as a process: kill -9 of its JVM and a restart through
 * scripts/payara.sh (with the environment scripts/it.sh exported: QCAT_PORTBASE, QCAT_DOMAIN, …).
 */
final class Server {

  private Server() {}

  static Path root() {
    return Path.of(System.getProperty("qcat.it.root", "..")).toAbsolutePath().normalize();
  }

  /** Kills the domain's JVM with SIGKILL, starts the domain again and waits for the API. */
  static void killAndRestart() throws Exception {
    String domain = System.getenv().getOrDefault("QCAT_DOMAIN", "qcat-it");
    Path pidFile = root().resolve(".qcat-work/payara6/glassfish/domains/" + domain + "/config/pid");
    long pid = Long.parseLong(Files.readString(pidFile).strip());
    ProcessHandle jvm =
        ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
    int rc = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
    if (rc != 0) {
      throw new IllegalStateException("kill -9 " + pid + " exited with " + rc);
    }
    jvm.onExit().get(60, TimeUnit.SECONDS);
    Process start =
        new ProcessBuilder(root().resolve("scripts/payara.sh").toString(), "start")
            .inheritIO()
            .start();
    if (!start.waitFor(300, TimeUnit.SECONDS) || start.exitValue() != 0) {
      throw new IllegalStateException("scripts/payara.sh start failed");
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < end) {
      try {
        var r =
            http.send(
                HttpRequest.newBuilder(URI.create(Api.BASE + "/ping"))
                    .timeout(Duration.ofSeconds(5))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (java.io.IOException notYet) {
        // starting
      }
      Thread.sleep(1000);
    }
    throw new IllegalStateException("the API did not answer within 300 s after the restart");
  }
}
