package dev.qcat.application;

import dev.qcat.domain.model.access.AppUser;
import jakarta.ejb.Local;
import java.util.Optional;
import java.util.Set;

/** Users and API clients, for the security adapter and the admin API. */
@Local
public interface AccessService {

  /**
   * @return the roles of the active API client with this key, if any (key compared by SHA-256)
   */
  Optional<Caller> authenticateApiKey(String key);

  Optional<AppUser> findUser(String username);

  /** Creates a user if none with that name exists; {@code passwordHash} is PBKDF2. */
  void createUserIfAbsent(String username, String passwordHash, Set<String> roles);

  /**
   * Creates an API client.
   *
   * @return the clear-text key, shown once. Never null.
   * @throws IllegalArgumentException if the name is taken
   */
  String createApiClient(String name, String actor);

  /** An authenticated caller. */
  record Caller(String name, Set<String> roles) {}
}
