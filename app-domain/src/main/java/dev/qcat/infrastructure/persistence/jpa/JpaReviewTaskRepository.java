package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.review.ReviewFilter;
import dev.qcat.domain.model.review.ReviewOutcome;
import dev.qcat.domain.model.review.ReviewStatus;
import dev.qcat.domain.model.review.ReviewTask;
import dev.qcat.domain.model.review.ReviewTaskRepository;
import dev.qcat.domain.model.review.ReviewerCounts;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;

/** {@link ReviewTaskRepository} on JPA. */
@ApplicationScoped
public class JpaReviewTaskRepository implements ReviewTaskRepository {

  /**
   * {@code jakarta.persistence.lock.timeout} value that Hibernate turns into PostgreSQL's {@code
   * skip locked} ({@code org.hibernate.LockOptions.SKIP_LOCKED}).
   */
  private static final int SKIP_LOCKED = -2;

  @PersistenceContext private EntityManager em;

  @Override
  public Optional<ReviewTask> find(long id) {
    return Optional.ofNullable(em.find(ReviewTask.class, id));
  }

  @Override
  public Optional<ReviewTask> findByPrediction(long predictionId) {
    return em.createQuery("select r from ReviewTask r where r.prediction.id = :p", ReviewTask.class)
        .setParameter("p", predictionId)
        .getResultStream()
        .findFirst();
  }

  @Override
  public List<ReviewTask> list(ReviewFilter filter, Order order, int first, int max) {
    TypedQuery<ReviewTask> q =
        em.createQuery(
            "select r from ReviewTask r join fetch r.prediction p join fetch p.category"
                + " join fetch r.taxonomy left join fetch r.chosenCategory"
                + where(filter)
                + orderBy(order),
            ReviewTask.class);
    return bind(q, filter).setFirstResult(first).setMaxResults(max).getResultList();
  }

  @Override
  public long count(ReviewFilter filter) {
    return bind(
            em.createQuery(
                "select count(r) from ReviewTask r join r.prediction p" + where(filter),
                Long.class),
            filter)
        .getSingleResult();
  }

  @Override
  public long count(ReviewStatus status) {
    return em.createQuery("select count(r) from ReviewTask r where r.status = :s", Long.class)
        .setParameter("s", status)
        .getSingleResult();
  }

  @Override
  public Optional<ReviewTask> lockNextOpen(
      ReviewFilter filter, Order order, Collection<Long> excluded) {
    ReviewFilter open = filter.withStatuses(java.util.EnumSet.of(ReviewStatus.OPEN));
    // No fetch joins: the row lock is meant for review_task alone.
    TypedQuery<ReviewTask> q =
        em.createQuery(
            "select r from ReviewTask r join r.prediction p"
                + where(open)
                + (excluded.isEmpty() ? "" : " and r.id not in :excluded")
                + orderBy(order),
            ReviewTask.class);
    bind(q, open);
    if (!excluded.isEmpty()) {
      q.setParameter("excluded", excluded);
    }
    return q.setLockMode(LockModeType.PESSIMISTIC_WRITE)
        .setHint("jakarta.persistence.lock.timeout", SKIP_LOCKED)
        .setMaxResults(1)
        .getResultStream()
        .findFirst();
  }

  @Override
  public Optional<ReviewTask> findClaimedBy(
      String reviewer, ReviewFilter filter, Order order, Collection<Long> excluded) {
    ReviewFilter claimed = filter.withStatuses(java.util.EnumSet.of(ReviewStatus.CLAIMED));
    TypedQuery<ReviewTask> q =
        em.createQuery(
            "select r from ReviewTask r join r.prediction p"
                + where(claimed)
                + " and r.reviewer = :reviewer"
                + (excluded.isEmpty() ? "" : " and r.id not in :excluded")
                + orderBy(order),
            ReviewTask.class);
    bind(q, claimed).setParameter("reviewer", reviewer);
    if (!excluded.isEmpty()) {
      q.setParameter("excluded", excluded);
    }
    return q.setMaxResults(1).getResultStream().findFirst();
  }

  @Override
  public List<ReviewerCounts> countByReviewer(OffsetDateTime startOfToday) {
    List<Object[]> rows =
        em.createQuery(
                "select r.reviewer, r.outcome, count(r),"
                    + " sum(case when r.resolvedAt >= :today then 1 else 0 end)"
                    + " from ReviewTask r where r.status = :resolved"
                    + " group by r.reviewer, r.outcome",
                Object[].class)
            .setParameter("today", startOfToday)
            .setParameter("resolved", ReviewStatus.RESOLVED)
            .getResultList();
    Map<String, long[]> byReviewer = new TreeMap<>();
    for (Object[] row : rows) {
      // [labelledToday, ambiguousToday, newCategoryToday, labelled, ambiguous, newCategory]
      long[] c = byReviewer.computeIfAbsent((String) row[0], k -> new long[6]);
      int i = ((ReviewOutcome) row[1]).ordinal();
      c[3 + i] += ((Number) row[2]).longValue();
      c[i] += row[3] == null ? 0 : ((Number) row[3]).longValue();
    }
    return byReviewer.entrySet().stream()
        .map(
            e -> {
              long[] c = e.getValue();
              return new ReviewerCounts(e.getKey(), c[0], c[1], c[2], c[3], c[4], c[5]);
            })
        .toList();
  }

  @Override
  public int expireClaims(OffsetDateTime claimedBefore) {
    return em.createQuery(
            "update ReviewTask r set r.status = :open, r.reviewer = null, r.claimedAt = null,"
                + " r.version = r.version + 1"
                + " where r.status = :claimed and r.claimedAt < :before")
        .setParameter("open", ReviewStatus.OPEN)
        .setParameter("claimed", ReviewStatus.CLAIMED)
        .setParameter("before", claimedBefore)
        .executeUpdate();
  }

  @Override
  public void store(ReviewTask task) {
    if (task.id() == null) {
      em.persist(task);
    }
  }

  @Override
  public void flush() {
    em.flush();
  }

  /**
   * The where clause for {@code filter}; expects aliases {@code r} (task) and {@code p}
   * (prediction; needed only with a category or model-version filter). The statuses are written as
   * enum literals, so that PostgreSQL can match the partial indexes on waiting tasks (V20).
   */
  private static String where(ReviewFilter f) {
    StringBuilder w = new StringBuilder(" where r.status in (");
    w.append(
        f.statuses().stream()
            .sorted()
            .map(s -> ReviewStatus.class.getName() + "." + s.name())
            .collect(Collectors.joining(", ")));
    w.append(")");
    if (f.outcome() != null) {
      w.append(" and r.outcome = :outcome");
    }
    if (f.taxonomyId() != null) {
      w.append(" and r.taxonomy.id = :taxonomy");
    }
    if (f.categoryId() != null) {
      w.append(" and p.category.id = :category");
    }
    if (f.modelVersionId() != null) {
      w.append(" and p.modelVersion.id = :modelVersion");
    }
    return w.toString();
  }

  private static <T> TypedQuery<T> bind(TypedQuery<T> q, ReviewFilter f) {
    if (f.outcome() != null) {
      q.setParameter("outcome", f.outcome());
    }
    if (f.taxonomyId() != null) {
      q.setParameter("taxonomy", f.taxonomyId());
    }
    if (f.categoryId() != null) {
      q.setParameter("category", f.categoryId());
    }
    if (f.modelVersionId() != null) {
      q.setParameter("modelVersion", f.modelVersionId());
    }
    return q;
  }

  private static String orderBy(Order order) {
    return switch (order) {
      case CONFIDENCE_ASC -> " order by r.confidence asc, r.id asc";
      case CONFIDENCE_DESC -> " order by r.confidence desc, r.id asc";
      case CREATED_ASC -> " order by r.createdAt asc, r.id asc";
    };
  }
}
