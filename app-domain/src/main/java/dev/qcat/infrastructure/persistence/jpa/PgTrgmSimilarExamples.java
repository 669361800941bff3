package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.review.SimilarExample;
import dev.qcat.domain.model.review.SimilarExamples;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;

/**
 * {@link SimilarExamples} with PostgreSQL's pg_trgm (migration V21): the k nearest examples by
 * trigram distance {@code text <-> question} (= 1 − {@code similarity(text, question)}), served by
 * the GiST index {@code example_text_trgm_ix}, then those below the minimum similarity dropped.
 *
 * <p>Reference: PostgreSQL documentation, F.35 pg_trgm ("Index Support": GiST nearest-neighbour
 * search with {@code <->}).
 */
@ApplicationScoped
public class PgTrgmSimilarExamples implements SimilarExamples {

  @PersistenceContext private EntityManager em;

  @Override
  public List<SimilarExample> find(
      long taxonomyId, String question, int limit, double minSimilarity) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit is " + limit + "; expected ≥ 1");
    }
    if (question == null || question.isBlank()) {
      return List.of();
    }
    @SuppressWarnings("unchecked")
    List<Object[]> rows =
        em.createNativeQuery(
                "select e.id, e.text, c.name, similarity(e.text, :q) as sim"
                    + " from example e"
                    + " join dataset d on d.id = e.dataset_id"
                    + " join category c on c.id = e.category_id"
                    + " where d.taxonomy_id = :t"
                    + " order by e.text <-> :q, e.id"
                    + " limit :k")
            .setParameter("q", question)
            .setParameter("t", taxonomyId)
            .setParameter("k", limit)
            .getResultList();
    return rows.stream()
        .map(
            r ->
                new SimilarExample(
                    ((Number) r[0]).longValue(),
                    (String) r[1],
                    (String) r[2],
                    ((Number) r[3]).doubleValue()))
        .filter(s -> s.similarity() >= minSimilarity)
        .toList();
  }
}
