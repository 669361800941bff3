/**
 * Dataset aggregate: examples (text, category, source, split) for one taxonomy, the import report
 * of a seed-format JSONL upload, and the repository interface. Parsing lives with the importer in
 * {@code application}; no file or HTTP types here.
 */
package dev.qcat.domain.model.dataset;
