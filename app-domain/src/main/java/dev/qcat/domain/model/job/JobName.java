package dev.qcat.domain.model.job;

import java.util.Arrays;
import java.util.Optional;

/** The batch jobs of app-batch; {@link #xmlName()} is the JSL file name without ".xml". */
public enum JobName {
  DATASET_IMPORT("dataset-import"),
  LORA_TRAINING("lora-training"),
  EVALUATION("evaluation"),
  DRIFT_CHECK("drift-check"),
  RETRAIN("retrain");

  private final String xmlName;

  JobName(String xmlName) {
    this.xmlName = xmlName;
  }

  /**
   * @return the JSL name, e.g. {@code drift-check}. Never null.
   */
  public String xmlName() {
    return xmlName;
  }

  /**
   * @return the job of a JSL name, if qcat has one
   */
  public static Optional<JobName> of(String xmlName) {
    return Arrays.stream(values()).filter(j -> j.xmlName.equals(xmlName)).findFirst();
  }

  /** True for jobs that train a model: they run only on the training node. */
  public boolean trains() {
    return this == LORA_TRAINING || this == RETRAIN;
  }
}
