package dev.qcat.interfaces.batch.training;

import java.nio.file.Path;

/** {@code QCAT_HOME} (DESIGN.md §3): system property {@code qcat.home}, env, or ~/.qcat. */
final class QcatHome {

  private QcatHome() {}

  /**
   * @param runKey what tells the job instance apart, e.g. {@code 42-1796068961901}
   * @return the directory for the work of one job instance, e.g. {@code
   *     ~/.qcat/jobs/lora-training-42-1796068961901}. Never null.
   */
  static Path jobDir(String jobName, String runKey) {
    String home = System.getProperty("qcat.home");
    if (home == null || home.isBlank()) {
      home = System.getenv("QCAT_HOME");
    }
    Path root =
        home == null || home.isBlank()
            ? Path.of(System.getProperty("user.home"), ".qcat")
            : Path.of(home);
    return root.resolve("jobs").resolve(jobName + "-" + runKey);
  }
}
