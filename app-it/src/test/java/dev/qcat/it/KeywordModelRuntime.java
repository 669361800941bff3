package dev.qcat.it;

import dev.qcat.infrastructure.inference.LoadedModel;
import dev.qcat.infrastructure.inference.ModelRuntime;
import dev.qcat.infrastructure.inference.ModelSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * TEST ONLY (added to app-domain.jar of the test archive, never shipped): a deterministic stand-in
 * for the Qwen2 engine, for model versions whose base path is {@code test:keyword}. A label found
 * in the question (case-insensitive) gets log-probability 0, the others -6, so a question naming
 * one category is confident (≈0.99 of 3) and a question naming none is uniform (1/n → review).
 * Questions containing "slow" take 300 ms, to keep batches in flight during a model swap.
 */
@ApplicationScoped
public class KeywordModelRuntime implements ModelRuntime {

  static final String BASE_PATH = "test:keyword";

  @Override
  public boolean supports(ModelSpec spec) {
    return spec.baseModelPath().startsWith(BASE_PATH);
  }

  @Override
  public LoadedModel load(ModelSpec spec) {
    List<String> labels =
        spec.labels().stream().map(l -> l.name().toLowerCase(Locale.ROOT)).toList();
    return new LoadedModel() {
      @Override
      public List<LabelScores> score(List<String> questions) {
        List<LabelScores> out = new ArrayList<>();
        boolean slow = false;
        for (String q : questions) {
          String text = q.toLowerCase(Locale.ROOT);
          slow |= text.contains("slow");
          double[] lp = new double[labels.size()];
          for (int i = 0; i < lp.length; i++) {
            lp[i] = text.contains(labels.get(i)) ? 0 : -6;
          }
          out.add(new LabelScores(lp, 0));
        }
        if (slow) {
          try {
            Thread.sleep(300);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return out;
      }

      @Override
      public void close() {}
    };
  }
}
