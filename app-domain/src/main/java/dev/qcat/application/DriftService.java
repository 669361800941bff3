package dev.qcat.application;

import dev.qcat.application.JobViews.DriftCheckView;
import dev.qcat.application.JobViews.DriftPolicyView;
import dev.qcat.domain.model.drift.DriftAssessment;
import dev.qcat.domain.model.question.NoActiveModelException;
import jakarta.ejb.Local;
import java.util.List;

/**
 * Drift checks of a taxonomy's ACTIVE model (issue 7): gathers what the check needs, scores the
 * evolving validation set, stores the check; reads checks and edits the policy.
 */
@Local
public interface DriftService {

  /**
   * Runs one drift check: scores the golden set and the examples reviewed within the policy's
   * window with the ACTIVE model, reads the live predictions and audit outcomes of that model in
   * the window, computes {@link DriftAssessment} and stores it. Scoring runs outside any
   * transaction.
   *
   * @param jobInstanceId the drift-check job instance, or null
   * @return the stored check. Never null.
   * @throws NotFoundException if the taxonomy does not exist
   * @throws NoActiveModelException if no model version of the taxonomy is ACTIVE and served
   */
  DriftCheckView check(long taxonomyId, Long jobInstanceId)
      throws NotFoundException, NoActiveModelException;

  /**
   * @return the newest checks of a taxonomy, oldest first, at most {@code max}. Never null.
   */
  List<DriftCheckView> checks(long taxonomyId, int max) throws NotFoundException;

  DriftPolicyView policy(long taxonomyId) throws NotFoundException;

  /**
   * Replaces the taxonomy's thresholds and retraining policy.
   *
   * @throws IllegalArgumentException naming a value out of range
   */
  DriftPolicyView changePolicy(DriftPolicyView policy, String actor) throws NotFoundException;
}
