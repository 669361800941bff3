/**
 * The review queue page bean (reviewers and admins): list, claim, resolve and skip review tasks
 * through {@code ReviewService}. The optimistic lock lives in the domain, not here.
 */
package dev.qcat.interfaces.web.review;
