package dev.qcat.inference.hub;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubDownloaderTest {

  private static final String REPO = "Qwen/Qwen2.5-0.5B-Instruct";

  private FakeHub hub;
  private byte[] weights;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void start() throws IOException {
    hub = new FakeHub(REPO);
    weights = new byte[300_000];
    new Random(7).nextBytes(weights);
    hub.put("config.json", "{\"model_type\": \"qwen2\"}".getBytes(StandardCharsets.UTF_8), false);
    hub.put("README.md", "# card".getBytes(StandardCharsets.UTF_8), false);
    hub.put("model.safetensors", weights, true);
    hub.put("tokenizer.json", "{\"model\": {}}".getBytes(StandardCharsets.UTF_8), false);
    hub.put("tokenizer_config.json", "{}".getBytes(StandardCharsets.UTF_8), false);
    hub.put("generation_config.json", "{}".getBytes(StandardCharsets.UTF_8), false);
  }

  @AfterEach
  void stop() {
    hub.close();
  }

  private HubDownloader downloader(Optional<String> token) {
    return new HubDownloader(
        hub.endpoint(),
        token,
        new PrintStream(err, true, StandardCharsets.UTF_8),
        Duration.ofSeconds(1));
  }

  @Test
  void downloadsTheModelFilesAndVerifiesThem(@TempDir Path dir) throws IOException {
    List<Path> got = downloader(Optional.of("hf_secret")).downloadModel(REPO, "main", dir);
    assertEquals(5, got.size());
    assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
    assertEquals("{}", Files.readString(dir.resolve("tokenizer_config.json")));
    assertFalse(Files.exists(dir.resolve("README.md")));
    assertFalse(Files.exists(dir.resolve("model.safetensors.part")));
    for (FakeHub.Request r : hub.requests) {
      if (r.path().startsWith("/cdn/")) {
        assertNull(r.authorization(), "no token to the CDN on another host");
      } else {
        assertEquals("Bearer hf_secret", r.authorization(), r.path());
      }
    }
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("model.safetensors ["));
    // A second run finds everything verified and fetches no file.
    int before = hub.requests.size();
    downloader(Optional.empty()).downloadModel(REPO, "main", dir);
    assertEquals(before + 1, hub.requests.size(), "only the listing is fetched again");
  }

  @Test
  void resumesAnInterruptedDownloadWithARangeRequest(@TempDir Path dir) throws IOException {
    hub.cutAfter = 120_000;
    HubDownloader d = downloader(Optional.empty());
    IOException e = assertThrows(IOException.class, () -> d.downloadModel(REPO, "main", dir));
    assertTrue(e.getMessage().contains("interrupted (no data from"), e.getMessage());
    Path part = dir.resolve("model.safetensors.part");
    long have = Files.size(part);
    assertTrue(have > 0 && have <= 120_000, "partial file of " + have + " bytes");
    assertFalse(Files.exists(dir.resolve("model.safetensors")));

    d.downloadModel(REPO, "main", dir);
    assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
    FakeHub.Request last =
        hub.requests.stream().filter(r -> r.path().startsWith("/cdn/")).reduce((a, b) -> b).get();
    assertEquals("bytes=" + have + "-", last.range());
    assertFalse(Files.exists(part));
  }

  @Test
  void failsOnAChecksumMismatchAndDeletesThePartialFile(@TempDir Path dir) {
    hub.listedSha256.put("model.safetensors", "0".repeat(64));
    IOException e =
        assertThrows(
            IOException.class, () -> downloader(Optional.empty()).downloadModel(REPO, "main", dir));
    assertTrue(e.getMessage().contains("sha256 mismatch"), e.getMessage());
    assertTrue(e.getMessage().contains("0".repeat(64)), e.getMessage());
    assertFalse(Files.exists(dir.resolve("model.safetensors")));
    assertFalse(Files.exists(dir.resolve("model.safetensors.part")));
  }

  @Test
  void usesTheLinkedEtagWhenAMirrorListsNamesOnly(@TempDir Path dir) throws IOException {
    hub.listBlobs = false;
    HubDownloader d =
        HubDownloader.fromEnvironment(Map.of("HF_ENDPOINT", hub.endpoint().toString()), null, null);
    RemoteFile weightsOnly =
        d.listFiles(REPO, "main").stream()
            .filter(f -> f.name().equals("model.safetensors"))
            .findFirst()
            .orElseThrow();
    assertEquals(-1, weightsOnly.size());
    d.downloadFile(REPO, "main", weightsOnly, dir);
    assertArrayEquals(weights, Files.readAllBytes(dir.resolve("model.safetensors")));
  }

  @Test
  void namesTheProblemForAMissingRepositoryOrWeights(@TempDir Path dir) {
    IOException notFound =
        assertThrows(
            IOException.class,
            () -> downloader(Optional.empty()).downloadModel("nobody/nothing", "main", dir));
    assertTrue(notFound.getMessage().contains("HTTP 404"), notFound.getMessage());
    hub.files.remove("model.safetensors");
    IOException noWeights =
        assertThrows(
            IOException.class, () -> downloader(Optional.empty()).downloadModel(REPO, "main", dir));
    assertTrue(noWeights.getMessage().contains("no *.safetensors"), noWeights.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> downloader(Optional.empty()).listFiles("not a repo", "main"));
  }
}
