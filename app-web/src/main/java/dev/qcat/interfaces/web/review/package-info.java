/**
 * The review queue page bean (reviewers and admins): the lazy queue table with its filters, "next
 * task", resolve by suggestion or search, skip (releases the claim), ambiguous / needs a new
 * category, similar labelled examples and per-reviewer counts, all through {@code ReviewService}.
 * The optimistic lock and the claim rules live in the domain, not here; keys in {@code
 * resources/qcat/review-keys.js}.
 */
package dev.qcat.interfaces.web.review;
