package dev.qcat.domain.model.drift;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** Stores drift policies and checks. */
public interface DriftRepository {

  /**
   * @return the taxonomy's stored policy, or {@link DriftPolicy#defaults(long)} (not stored). Never
   *     null.
   */
  DriftPolicy policy(long taxonomyId);

  /** Stores a policy made by {@link DriftPolicy#defaults(long)} (a stored one is managed). */
  void store(DriftPolicy policy);

  void store(DriftCheck check);

  /**
   * @return checks of a taxonomy, oldest first, at most {@code max} of the newest. Never null.
   */
  List<DriftCheck> checks(long taxonomyId, int max);

  /**
   * A labelled question.
   *
   * @param id the example's id
   * @param text the question
   * @param category the true category's name
   */
  record LabelledText(long id, String text, String category) {}

  /**
   * One live prediction.
   *
   * @param category predicted category's name
   * @param confidence calibrated confidence, fraction in [0, 1]
   * @param routing AUTOMATIC, REVIEW or AUDIT
   */
  record LivePrediction(String category, double confidence, String routing) {}

  /**
   * @return the golden set: TEST-split examples of the taxonomy's seed datasets. Never null.
   */
  List<LabelledText> goldenSet(long taxonomyId);

  /**
   * @return examples added by reviewers since {@code since}. Never null.
   */
  List<LabelledText> reviewedSince(long taxonomyId, OffsetDateTime since);

  /**
   * @return training data of the taxonomy: TRAIN-split seed examples and reviewed examples, except
   *     the reviewed ones held out as fresh validation data ({@link #isFreshHoldout}). Never null.
   */
  List<LabelledText> trainingExamples(long taxonomyId);

  /**
   * @return VALIDATION-split seed examples of the taxonomy. Never null.
   */
  List<LabelledText> validationExamples(long taxonomyId);

  /**
   * @return training examples per category name ({@link #trainingExamples}). Never null.
   */
  Map<String, Long> trainingMix(long taxonomyId);

  /**
   * @return predictions of one model version for the taxonomy since {@code since}. Never null.
   */
  List<LivePrediction> livePredictions(long taxonomyId, long modelVersionId, OffsetDateTime since);

  /**
   * @return {resolved audit reviews, of those where the reviewer chose the predicted category} for
   *     predictions of the model version since {@code since}. Never null.
   */
  long[] auditOutcomes(long taxonomyId, long modelVersionId, OffsetDateTime since);

  /**
   * Reviewed examples whose id is a multiple of 5 (a deterministic fifth) are never trained on:
   * they are the fresh validation data of the promotion gate.
   *
   * @return true if the reviewed example with this id is held out
   */
  static boolean isFreshHoldout(long exampleId) {
    return exampleId % 5 == 0;
  }
}
