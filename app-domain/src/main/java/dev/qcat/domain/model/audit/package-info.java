/** AuditEvent: an append-only record of who did what to which entity, and when. */
package dev.qcat.domain.model.audit;
