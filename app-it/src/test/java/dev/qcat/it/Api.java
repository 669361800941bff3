package dev.qcat.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonStructure;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

/** A small HTTP client for the REST API, as one caller (Basic user or API key). */
final class Api {

  static final String BASE =
      System.getProperty("qcat.it.baseUrl", "http://127.0.0.1:29080/qcat/api/v1");
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final String authHeader;
  private final String authValue;

  private Api(String header, String value) {
    this.authHeader = header;
    this.authValue = value;
  }

  static Api admin() {
    return basic("admin", System.getProperty("qcat.it.adminPassword", "admin-change-me"));
  }

  static Api reviewer() {
    return basic("reviewer", System.getProperty("qcat.it.reviewerPassword", "reviewer-change-me"));
  }

  static Api basic(String user, String password) {
    return new Api(
        "Authorization",
        "Basic "
            + Base64.getEncoder()
                .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
  }

  static Api apiKey(String key) {
    return new Api("X-API-Key", key);
  }

  static Api anonymous() {
    return new Api(null, null);
  }

  /** An answer: status and parsed JSON body (JsonValue.NULL when empty or not JSON). */
  record Answer(int status, JsonValue body, String raw) {
    JsonObject json() {
      return body.asJsonObject();
    }

    @Override
    public String toString() {
      return status + " " + raw;
    }
  }

  Answer getAbsolute(String url) {
    return send(HttpRequest.newBuilder(URI.create(url)).GET(), null);
  }

  Answer get(String path) {
    return send(HttpRequest.newBuilder(URI.create(BASE + path)).GET(), null);
  }

  Answer post(String path, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(BASE + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json == null ? "" : json)),
        null);
  }

  Answer delete(String path) {
    return send(HttpRequest.newBuilder(URI.create(BASE + path)).DELETE(), null);
  }

  Answer put(String path, String json) {
    return send(
        HttpRequest.newBuilder(URI.create(BASE + path))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString(json)),
        null);
  }

  Answer postRaw(String path, String contentType, String body) {
    return send(
        HttpRequest.newBuilder(URI.create(BASE + path))
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body)),
        null);
  }

  private Answer send(HttpRequest.Builder b, Void unused) {
    if (authHeader != null) {
      b.header(authHeader, authValue);
    }
    b.timeout(Duration.ofSeconds(60));
    try {
      HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonValue body = JsonValue.NULL;
      try (var reader = Json.createReader(new StringReader(r.body()))) {
        JsonStructure s = reader.read();
        body = s;
      } catch (RuntimeException notJson) {
        // keep NULL
      }
      return new Answer(r.statusCode(), body, r.body());
    } catch (Exception e) {
      throw new IllegalStateException("HTTP call failed: " + e, e);
    }
  }

  /** JSON string literal of {@code s}. */
  static String str(String s) {
    return Json.createValue(s).toString();
  }

  static String unique(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }
}
