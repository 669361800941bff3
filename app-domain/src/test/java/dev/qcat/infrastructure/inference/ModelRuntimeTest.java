package dev.qcat.infrastructure.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.domain.model.modelversion.ModelLoadException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link ModelRuntime#loadWithFirstSupporting}: which runtime loads, and the messages. */
class ModelRuntimeTest {

  private static final ModelSpec SPEC =
      new ModelSpec(
          7,
          "/models/qwen",
          Optional.empty(),
          "NONE",
          "Classify",
          List.of(new ModelSpec.Label("card", Optional.empty())));

  private static final LoadedModel MODEL = model();

  private static LoadedModel model() {
    return new LoadedModel() {
      @Override
      public List<LabelScores> score(List<String> questions) {
        return List.of();
      }

      @Override
      public void close() {}
    };
  }

  private record Runtime(boolean supports, LoadedModel model) implements ModelRuntime {
    @Override
    public boolean supports(ModelSpec spec) {
      return supports;
    }

    @Override
    public LoadedModel load(ModelSpec spec) throws IOException {
      if (model == null) {
        throw new IOException("config.json is missing");
      }
      return model;
    }
  }

  @Test
  void theFirstRuntimeThatSupportsTheModelLoadsIt() throws Exception {
    LoadedModel other = model();
    List<ModelRuntime> runtimes =
        List.of(new Runtime(false, null), new Runtime(true, MODEL), new Runtime(true, other));
    assertSame(MODEL, ModelRuntime.loadWithFirstSupporting(runtimes, SPEC));
  }

  private static ModelLoadException failure(ModelRuntime only) {
    return assertThrows(
        ModelLoadException.class, () -> ModelRuntime.loadWithFirstSupporting(List.of(only), SPEC));
  }

  @Test
  void withoutASupportingRuntimeTheMessageNamesThePath() {
    ModelLoadException e = failure(new Runtime(false, MODEL));
    assertTrue(e.getMessage().startsWith("No model runtime can load '/models/qwen'"));
  }

  @Test
  void aFailedLoadNamesTheVersionAndKeepsTheCause() {
    ModelLoadException e = failure(new Runtime(true, null));
    assertEquals(
        "Loading model version 7 from /models/qwen failed: config.json is missing", e.getMessage());
    assertTrue(e.getCause() instanceof IOException);
  }
}
