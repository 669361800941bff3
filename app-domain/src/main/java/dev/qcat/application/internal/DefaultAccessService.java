package dev.qcat.application.internal;

import dev.qcat.application.AccessService;
import dev.qcat.domain.model.access.AccessRepository;
import dev.qcat.domain.model.access.ApiClient;
import dev.qcat.domain.model.access.AppUser;
import dev.qcat.domain.model.access.Roles;
import dev.qcat.domain.model.audit.AuditEvent;
import dev.qcat.domain.model.audit.AuditLog;
import jakarta.ejb.Stateless;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.Set;

/** {@link AccessService}. */
@Stateless
public class DefaultAccessService implements AccessService {

  @Inject private AccessRepository access;
  @Inject private AuditLog audit;

  @Override
  public Optional<Caller> authenticateApiKey(String key) {
    return access
        .findActiveClientByKeyHash(ApiClient.hash(key))
        .map(c -> new Caller(c.name(), Set.of(Roles.API_CLIENT)));
  }

  @Override
  public Optional<AppUser> findUser(String username) {
    return access.findUser(username);
  }

  @Override
  public void createUserIfAbsent(String username, String passwordHash, Set<String> roles) {
    if (access.findUser(username).isEmpty()) {
      access.store(new AppUser(username, passwordHash, roles));
      audit.record(
          new AuditEvent("system", "user.create", "AppUser", null, username + " " + roles));
    }
  }

  @Override
  public String createApiClient(String name, String actor) {
    if (access.findClientByName(name).isPresent()) {
      throw new IllegalArgumentException("API client '" + name + "' already exists");
    }
    ApiClient.Issued issued = ApiClient.issue(name);
    access.store(issued.client());
    audit.record(
        new AuditEvent(actor, "apiclient.create", "ApiClient", issued.client().id(), name));
    return issued.key();
  }
}
