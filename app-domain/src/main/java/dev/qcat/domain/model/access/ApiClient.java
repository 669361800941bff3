package dev.qcat.domain.model.access;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A machine caller identified by an API key (header {@code X-API-Key}). Only the SHA-256 of the key
 * is stored: the key is 32 random bytes, so a fast hash is enough (no dictionary to guess from).
 *
 * <p>Life cycle: an admin creates a client and receives its key once; the client is deactivated
 * rather than deleted, so audit events keep their actor.
 */
@Entity
@Table(name = "api_client")
@NamedQuery(
    name = "ApiClient.findByKeyHash",
    query = "select c from ApiClient c where c.keyHash = :keyHash and c.active = true")
public class ApiClient {

  private static final SecureRandom RANDOM = new SecureRandom();

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(nullable = false, unique = true)
  private String name;

  @Column(name = "key_prefix", nullable = false)
  private String keyPrefix;

  @Column(name = "key_hash", nullable = false, unique = true)
  private String keyHash;

  @Column(nullable = false)
  private boolean active = true;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt = OffsetDateTime.now();

  protected ApiClient() {}

  private ApiClient(String name, String key) {
    this.name = Objects.requireNonNull(name, "API client name is required.");
    this.keyPrefix = key.substring(0, 8);
    this.keyHash = hash(key);
  }

  /**
   * Creates a client with a fresh random key.
   *
   * @return the client and its key in clear (shown once, never stored). Never null.
   */
  public static Issued issue(String name) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    String key = "qk_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    return new Issued(new ApiClient(name, key), key);
  }

  /**
   * @return lower-case hex SHA-256 of the UTF-8 key, 64 characters. Never null.
   */
  public static String hash(String key) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(sha.digest(key.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public void deactivate() {
    active = false;
  }

  public Long id() {
    return id;
  }

  public String name() {
    return name;
  }

  public String keyPrefix() {
    return keyPrefix;
  }

  public boolean active() {
    return active;
  }

  /**
   * A newly created client with its clear-text key.
   *
   * @param client the client to store
   * @param key the key to hand to the caller once
   */
  public record Issued(ApiClient client, String key) {}
}
