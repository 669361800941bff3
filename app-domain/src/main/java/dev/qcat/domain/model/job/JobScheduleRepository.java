package dev.qcat.domain.model.job;

import java.util.List;
import java.util.Optional;

/** Stores job schedules. */
public interface JobScheduleRepository {

  Optional<JobSchedule> find(long id);

  Optional<JobSchedule> find(long taxonomyId, String jobName);

  /**
   * @return all schedules, by id. Never null.
   */
  List<JobSchedule> all();

  void store(JobSchedule schedule);

  void remove(JobSchedule schedule);
}
