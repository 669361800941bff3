/**
 * Applies the {@code db} module's Flyway migrations to {@code jdbc/qcat} at deployment, before
 * anything else touches the database. No schema generation anywhere else.
 */
package dev.qcat.infrastructure.persistence.flyway;
