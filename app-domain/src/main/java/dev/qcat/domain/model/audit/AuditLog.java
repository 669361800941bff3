package dev.qcat.domain.model.audit;

import java.util.List;

/** Appends and reads audit events. */
public interface AuditLog {

  void record(AuditEvent event);

  /**
   * @return events about one entity, oldest first. Never null.
   */
  List<AuditEvent> about(String entityType, long entityId);
}
