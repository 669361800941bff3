package dev.qcat.infrastructure.persistence.jpa;

import dev.qcat.domain.model.job.JobSchedule;
import dev.qcat.domain.model.job.JobScheduleRepository;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

/** {@link JobScheduleRepository} on JPA. */
@ApplicationScoped
public class JpaJobScheduleRepository implements JobScheduleRepository {

  @PersistenceContext private EntityManager em;

  @Override
  public Optional<JobSchedule> find(long id) {
    return Optional.ofNullable(em.find(JobSchedule.class, id));
  }

  @Override
  public Optional<JobSchedule> find(long taxonomyId, String jobName) {
    return em.createQuery(
            "select s from JobSchedule s where s.taxonomyId = :t and s.jobName = :j",
            JobSchedule.class)
        .setParameter("t", taxonomyId)
        .setParameter("j", jobName)
        .getResultStream()
        .findFirst();
  }

  @Override
  public List<JobSchedule> all() {
    return em.createQuery("select s from JobSchedule s order by s.id", JobSchedule.class)
        .getResultList();
  }

  @Override
  public void store(JobSchedule schedule) {
    if (schedule.id() == null) {
      em.persist(schedule);
    }
  }

  @Override
  public void remove(JobSchedule schedule) {
    em.remove(schedule);
  }
}
