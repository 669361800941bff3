package dev.qcat.domain.model.review;

import java.util.List;

/** Finds already-labelled examples of a taxonomy that resemble a question (a port). */
public interface SimilarExamples {

  /**
   * @param taxonomyId the taxonomy whose datasets are searched (all of them, any split)
   * @param question the question to compare with
   * @param limit the most examples returned, ≥ 1
   * @param minSimilarity examples less similar than this are left out, fraction in [0, 1]
   * @return examples by falling similarity. Never null.
   */
  List<SimilarExample> find(long taxonomyId, String question, int limit, double minSimilarity);
}
