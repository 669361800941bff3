/**
 * JPA (Hibernate) implementations of the domain repositories, one per aggregate, as CDI beans
 * joining the caller's transaction. Queries live here, not in services.
 */
package dev.qcat.infrastructure.persistence.jpa;
