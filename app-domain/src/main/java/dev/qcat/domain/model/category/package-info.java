/**
 * Taxonomy aggregate: a versioned set of categories (name, description, parent, status) plus the
 * routing settings of DESIGN.md §2 (review threshold, audit rate). Only the repository interface
 * lives here; its JPA implementation is in {@code infrastructure.persistence.jpa}.
 */
package dev.qcat.domain.model.category;
