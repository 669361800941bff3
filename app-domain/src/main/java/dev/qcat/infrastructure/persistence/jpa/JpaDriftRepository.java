package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.drift.DriftCheck;
import dev.qcat.domain.model.drift.DriftPolicy;
import dev.qcat.domain.model.drift.DriftRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@link DriftRepository} on JPA. */
@ApplicationScoped
public class JpaDriftRepository implements DriftRepository {

  @PersistenceContext private EntityManager em;

  @Override
  public DriftPolicy policy(long taxonomyId) {
    DriftPolicy p = em.find(DriftPolicy.class, taxonomyId);
    return p == null ? DriftPolicy.defaults(taxonomyId) : p;
  }

  @Override
  public void store(DriftPolicy policy) {
    if (!em.contains(policy)) {
      em.persist(policy);
    }
  }

  @Override
  public void store(DriftCheck check) {
    em.persist(check);
  }

  @Override
  public List<DriftCheck> checks(long taxonomyId, int max) {
    List<DriftCheck> newest =
        new ArrayList<>(
            em.createQuery(
                    "select c from DriftCheck c where c.taxonomyId = :t order by c.id desc",
                    DriftCheck.class)
                .setParameter("t", taxonomyId)
                .setMaxResults(max)
                .getResultList());
    Collections.reverse(newest);
    return newest;
  }

  private static final String EXAMPLES =
      "select e.id, e.text, c.name from example e join dataset d on d.id = e.dataset_id"
          + " join category c on c.id = e.category_id where d.taxonomy_id = ?1 and ";

  private List<LabelledText> labelled(String where, Object... params) {
    var q = em.createNativeQuery(EXAMPLES + where + " order by e.id");
    for (int i = 0; i < params.length; i++) {
      q.setParameter(i + 1, params[i]);
    }
    List<LabelledText> out = new ArrayList<>();
    for (Object row : q.getResultList()) {
      Object[] r = (Object[]) row;
      out.add(new LabelledText(((Number) r[0]).longValue(), (String) r[1], (String) r[2]));
    }
    return out;
  }

  @Override
  public List<LabelledText> goldenSet(long taxonomyId) {
    return labelled("d.kind = 'SEED' and e.split = 'TEST'", taxonomyId);
  }

  @Override
  public List<LabelledText> reviewedSince(long taxonomyId, OffsetDateTime since) {
    return labelled("e.source = 'REVIEW' and e.created_at >= ?2", taxonomyId, since);
  }

  @Override
  public List<LabelledText> trainingExamples(long taxonomyId) {
    return labelled(
        "((d.kind = 'SEED' and e.split = 'TRAIN') or (e.source = 'REVIEW' and e.id % 5 <> 0))",
        taxonomyId);
  }

  @Override
  public List<LabelledText> validationExamples(long taxonomyId) {
    return labelled("d.kind = 'SEED' and e.split = 'VALIDATION'", taxonomyId);
  }

  @Override
  public Map<String, Long> trainingMix(long taxonomyId) {
    Map<String, Long> mix = new LinkedHashMap<>();
    for (LabelledText t : trainingExamples(taxonomyId)) {
      mix.merge(t.category(), 1L, Long::sum);
    }
    return mix;
  }

  @Override
  public List<LivePrediction> livePredictions(
      long taxonomyId, long modelVersionId, OffsetDateTime since) {
    List<?> rows =
        em.createNativeQuery(
                "select c.name, p.confidence, p.routing from prediction p"
                    + " join category c on c.id = p.category_id"
                    + " where p.taxonomy_id = ?1 and p.model_version_id = ?2"
                    + " and p.created_at >= ?3 order by p.id")
            .setParameter(1, taxonomyId)
            .setParameter(2, modelVersionId)
            .setParameter(3, since)
            .getResultList();
    List<LivePrediction> out = new ArrayList<>(rows.size());
    for (Object row : rows) {
      Object[] r = (Object[]) row;
      out.add(new LivePrediction((String) r[0], ((Number) r[1]).doubleValue(), (String) r[2]));
    }
    return out;
  }

  @Override
  public long[] auditOutcomes(long taxonomyId, long modelVersionId, OffsetDateTime since) {
    Object[] r =
        (Object[])
            em.createNativeQuery(
                    "select count(*), count(*) filter (where r.chosen_category_id = p.category_id)"
                        + " from review_task r join prediction p on p.id = r.prediction_id"
                        + " where r.taxonomy_id = ?1 and p.model_version_id = ?2 and r.audit"
                        + " and r.status = 'RESOLVED' and r.resolved_at >= ?3")
                .setParameter(1, taxonomyId)
                .setParameter(2, modelVersionId)
                .setParameter(3, since)
                .getSingleResult();
    return new long[] {((Number) r[0]).longValue(), ((Number) r[1]).longValue()};
  }
}
