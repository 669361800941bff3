package dev.qcat.domain.model.audit;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Objects;

/** Who did what to which entity, and when. Written once, never changed. */
@Entity
@Table(name = "audit_event")
public class AuditEvent {

  @Id
  @GeneratedValue(strategy = GenerationType.IDENTITY)
  private Long id;

  @Column(name = "occurred_at", nullable = false)
  private OffsetDateTime occurredAt = OffsetDateTime.now();

  @Column(nullable = false)
  private String actor;

  @Column(nullable = false)
  private String action;

  @Column(name = "entity_type", nullable = false)
  private String entityType;

  @Column(name = "entity_id")
  private Long entityId;

  private String details;

  protected AuditEvent() {}

  /**
   * @param actor user or API client name
   * @param action verb, e.g. "review.resolve"
   * @param entityType e.g. "ReviewTask"
   * @param details free text, or null
   */
  public AuditEvent(String actor, String action, String entityType, Long entityId, String details) {
    this.actor = Objects.requireNonNull(actor, "Actor is required.");
    this.action = Objects.requireNonNull(action, "Action is required.");
    this.entityType = Objects.requireNonNull(entityType, "Entity type is required.");
    this.entityId = entityId;
    this.details = details;
  }

  public Long id() {
    return id;
  }

  public OffsetDateTime occurredAt() {
    return occurredAt;
  }

  public String actor() {
    return actor;
  }

  public String action() {
    return action;
  }

  public String entityType() {
    return entityType;
  }

  public Long entityId() {
    return entityId;
  }

  public String details() {
    return details;
  }
}
