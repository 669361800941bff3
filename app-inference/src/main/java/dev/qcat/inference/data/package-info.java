/**
 * Reading the seed's data formats: instruction JSONL ({@code {"instruction", "input", "output"}})
 * with bad lines reported and skipped, and category label lists. No model, tokenizer or prompt code
 * lives here: a reader hands back plain records.
 */
package dev.qcat.inference.data;
