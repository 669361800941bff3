package dev.qcat.it;

import dev.qcat.infrastructure.inference.LoadedModel;
import dev.qcat.infrastructure.inference.ModelRuntime;
import dev.qcat.infrastructure.inference.ModelSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * TEST ONLY (added to app-domain.jar of BatchJobsIT's archive): {@link KeywordModelRuntime} made
 * worse on purpose, for base paths {@code test:blind:<category>,<category>…}: the listed categories
 * are never recognised (log-probability −6 always), so questions about them go to the first label
 * with a uniform-ish score. Lets the promotion gate compare models of known quality.
 */
@ApplicationScoped
public class BlindKeywordModelRuntime implements ModelRuntime {

  static final String PREFIX = "test:blind:";

  @Override
  public boolean supports(ModelSpec spec) {
    return spec.baseModelPath().startsWith(PREFIX);
  }

  @Override
  public LoadedModel load(ModelSpec spec) {
    Set<String> blind =
        Set.of(spec.baseModelPath().substring(PREFIX.length()).toLowerCase(Locale.ROOT).split(","));
    List<String> labels =
        spec.labels().stream().map(l -> l.name().toLowerCase(Locale.ROOT)).toList();
    return new LoadedModel() {
      @Override
      public List<LabelScores> score(List<String> questions) {
        List<LabelScores> out = new ArrayList<>();
        for (String q : questions) {
          String text = q.toLowerCase(Locale.ROOT);
          double[] lp = new double[labels.size()];
          for (int i = 0; i < lp.length; i++) {
            lp[i] = text.contains(labels.get(i)) && !blind.contains(labels.get(i)) ? 0 : -6;
          }
          out.add(new LabelScores(lp, 0));
        }
        return out;
      }

      @Override
      public void close() {}
    };
  }
}
