package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.access.AccessRepository;
import dev.qcat.domain.model.access.ApiClient;
import dev.qcat.domain.model.access.AppUser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.Optional;

/** {@link AccessRepository} on JPA. */
@ApplicationScoped
public class JpaAccessRepository implements AccessRepository {

  @PersistenceContext private EntityManager em;

  @Override
  public Optional<AppUser> findUser(String username) {
    return Optional.ofNullable(em.find(AppUser.class, username));
  }

  @Override
  public long countUsers() {
    return em.createQuery("select count(u) from AppUser u", Long.class).getSingleResult();
  }

  @Override
  public void store(AppUser user) {
    em.persist(user);
  }

  @Override
  public Optional<ApiClient> findActiveClientByKeyHash(String keyHash) {
    return em.createNamedQuery("ApiClient.findByKeyHash", ApiClient.class)
        .setParameter("keyHash", keyHash)
        .getResultStream()
        .findFirst();
  }

  @Override
  public Optional<ApiClient> findClientByName(String name) {
    return em.createQuery("select c from ApiClient c where c.name = :n", ApiClient.class)
        .setParameter("n", name)
        .getResultStream()
        .findFirst();
  }

  @Override
  public void store(ApiClient client) {
    em.persist(client);
  }
}
