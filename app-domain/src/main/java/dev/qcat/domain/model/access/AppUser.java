package dev.qcat.domain.model.access;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A person who signs in with a password (roles admin and/or reviewer). The password is stored as a
 * Jakarta Security {@code Pbkdf2PasswordHash} string; hashing happens in the security adapter.
 */
@Entity
@Table(name = "app_user")
public class AppUser {

  @Id private String username;

  @Column(name = "password_hash", nullable = false)
  private String passwordHash;

  @Column(nullable = false)
  private String roles;

  @Column(name = "created_at", nullable = false)
  private OffsetDateTime createdAt = OffsetDateTime.now();

  protected AppUser() {}

  /**
   * @param passwordHash output of {@code Pbkdf2PasswordHash.generate}
   * @param roles role names, e.g. {@link Roles#ADMIN}
   */
  public AppUser(String username, String passwordHash, Set<String> roles) {
    this.username = Objects.requireNonNull(username, "Username is required.");
    this.passwordHash = Objects.requireNonNull(passwordHash, "Password hash is required.");
    this.roles = String.join(",", roles);
  }

  public String username() {
    return username;
  }

  public String passwordHash() {
    return passwordHash;
  }

  /**
   * @return role names. Never null.
   */
  public Set<String> roles() {
    return Arrays.stream(roles.split(","))
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }
}
