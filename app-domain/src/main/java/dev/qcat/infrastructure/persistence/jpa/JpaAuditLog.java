package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.audit.AuditEvent;
import dev.qcat.domain.model.audit.AuditLog;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;

/** {@link AuditLog} on JPA. */
@ApplicationScoped
public class JpaAuditLog implements AuditLog {

  @PersistenceContext private EntityManager em;

  @Override
  public void record(AuditEvent event) {
    em.persist(event);
  }

  @Override
  public List<AuditEvent> about(String entityType, long entityId) {
    return em.createQuery(
            "select a from AuditEvent a where a.entityType = :t and a.entityId = :i order by a.id",
            AuditEvent.class)
        .setParameter("t", entityType)
        .setParameter("i", entityId)
        .getResultList();
  }
}
