/** Admin pages about taxonomies. Changes go through {@code TaxonomyService}; no JPA here. */
package dev.qcat.interfaces.web.taxonomy;
