package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.category.Category;
import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.category.TaxonomyRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

/** {@link TaxonomyRepository} on JPA. */
@ApplicationScoped
public class JpaTaxonomyRepository implements TaxonomyRepository {

  @PersistenceContext private EntityManager em;

  @Override
  public Optional<Taxonomy> find(long id) {
    return Optional.ofNullable(em.find(Taxonomy.class, id));
  }

  @Override
  public Optional<Taxonomy> findLatestByName(String name) {
    return em.createNamedQuery("Taxonomy.findByName", Taxonomy.class)
        .setParameter("name", name)
        .setMaxResults(1)
        .getResultStream()
        .findFirst();
  }

  @Override
  public List<Taxonomy> findAll() {
    return em.createNamedQuery("Taxonomy.findAll", Taxonomy.class).getResultList();
  }

  @Override
  public Optional<Category> findCategory(long id) {
    return Optional.ofNullable(em.find(Category.class, id));
  }

  @Override
  public void store(Taxonomy taxonomy) {
    if (taxonomy.id() == null) {
      em.persist(taxonomy);
    }
    taxonomy.categories().stream().filter(c -> c.id() == null).forEach(em::persist);
  }

  @Override
  public void flush() {
    em.flush();
  }
}
