/**
 * Application services (use cases) as EJB interfaces plus the read models they return. Each method
 * loads aggregates, calls the domain, stores, audits. Implementations are in {@code internal}.
 * Callers (REST, portal, batch) see only these interfaces and records, never entities.
 */
package dev.qcat.application;
