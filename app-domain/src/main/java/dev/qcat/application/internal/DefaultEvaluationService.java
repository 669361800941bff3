package dev.qcat.application.internal;

import dev.qcat.application.EvaluationService;
import dev.qcat.application.NotFoundException;
import dev.qcat.domain.model.dataset.Split;
import dev.qcat.domain.model.evaluation.EvaluationFigures;
import dev.qcat.domain.model.evaluation.ModelEvaluationRepository;
import dev.qcat.domain.model.modelversion.ModelLoadException;
import dev.qcat.domain.service.ModelScoring;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.logging.Logger;

/** {@link EvaluationService}: read in one transaction, score outside any, store in another. */
@Stateless
public class DefaultEvaluationService implements EvaluationService {

  private static final Logger LOG = Logger.getLogger(DefaultEvaluationService.class.getName());

  @EJB private EvaluationStore store;
  @Inject private ModelScoring scoring;
  @Inject private ModelEvaluationRepository evaluations;

  @Override
  @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
  public EvaluationView evaluate(
      long modelVersionId, long datasetId, Split split, String actor, ProgressListener progress)
      throws NotFoundException, ModelLoadException {
    Objects.requireNonNull(split, "Split is required.");
    Objects.requireNonNull(actor, "Actor is required.");
    ProgressListener listener = progress == null ? (done, total) -> {} : progress;
    long start = System.nanoTime();
    EvaluationStore.Input in = store.read(modelVersionId, datasetId, split);
    EvaluationFigures figures;
    try (ModelScoring.Session session = scoring.open(in.modelVersion())) {
      List<String> labels = session.labels();
      Map<String, Integer> index = new HashMap<>();
      for (int c = 0; c < labels.size(); c++) {
        index.put(labels.get(c), c);
      }
      List<String> texts = new ArrayList<>();
      List<Integer> actual = new ArrayList<>();
      for (int i = 0; i < in.texts().size(); i++) {
        Integer c = index.get(in.categories().get(i));
        if (c != null) {
          texts.add(in.texts().get(i));
          actual.add(c);
        }
      }
      int skipped = in.texts().size() - texts.size();
      if (texts.isEmpty()) {
        throw new IllegalArgumentException(
            "None of the "
                + in.texts().size()
                + " "
                + split.name()
                + " examples of '"
                + in.datasetName()
                + "' has an active category of the taxonomy.");
      }
      int total = texts.size();
      listener.progress(0, total);
      List<double[]> logProbs = new ArrayList<>(total);
      for (int from = 0; from < total; from += BATCH_SIZE) {
        logProbs.addAll(session.logProbs(texts.subList(from, Math.min(total, from + BATCH_SIZE))));
        listener.progress(logProbs.size(), total);
      }
      figures =
          EvaluationCalculator.compute(
              labels,
              logProbs,
              actual.stream().mapToInt(Integer::intValue).toArray(),
              skipped,
              in.modelVersion().temperature(),
              in.threshold());
    }
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    EvaluationView view =
        store.store(modelVersionId, datasetId, in.datasetName(), split, actor, took, figures);
    LOG.info(
        () ->
            "evaluated model version "
                + modelVersionId
                + " on "
                + in.datasetName()
                + "/"
                + split
                + ": "
                + view.examples()
                + " examples in "
                + took.toMillis()
                + " ms, accuracy "
                + view.accuracy());
    return view;
  }

  @Override
  public Optional<EvaluationView> latest(long modelVersionId) {
    return evaluations.findLatest(modelVersionId).map(EvaluationView::of);
  }

  @Override
  public List<EvaluationView> list(long modelVersionId) {
    return evaluations.findByModelVersion(modelVersionId).stream().map(EvaluationView::of).toList();
  }

  @Override
  public EvaluationDetail detail(long evaluationId) throws NotFoundException {
    return evaluations
        .find(evaluationId)
        .map(EvaluationDetail::of)
        .orElseThrow(() -> new NotFoundException("Evaluation", evaluationId));
  }
}
