package dev.qcat.domain.model.access;

import java.util.Optional;

/** Stores users and API clients. */
public interface AccessRepository {

  Optional<AppUser> findUser(String username);

  long countUsers();

  void store(AppUser user);

  /**
   * @param keyHash {@link ApiClient#hash} of the presented key
   * @return the active client with that key hash
   */
  Optional<ApiClient> findActiveClientByKeyHash(String keyHash);

  Optional<ApiClient> findClientByName(String name);

  void store(ApiClient client);
}
