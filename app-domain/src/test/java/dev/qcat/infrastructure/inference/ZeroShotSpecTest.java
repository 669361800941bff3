package dev.qcat.infrastructure.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.qcat.domain.model.category.Taxonomy;
import dev.qcat.domain.model.modelversion.ModelVersion;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The labels and prompt a model version scores its taxonomy with (DESIGN.md §2). */
class ZeroShotSpecTest {

  private static ModelVersion version(Taxonomy t) throws ReflectiveOperationException {
    ModelVersion v = new ModelVersion(t, "v1", "/m", null, null, 1.0);
    var id = ModelVersion.class.getDeclaredField("id");
    id.setAccessible(true);
    id.set(v, 7L);
    return v;
  }

  @Test
  void categoriesTheModelWasTrainedOnUseThePlainInstruction() throws Exception {
    Taxonomy t = new Taxonomy("banking", 1);
    t.addCategory("card", "card problems", null);
    t.addCategory("loan", null, null);
    Thread.sleep(2);
    ModelSpec spec = DjlQuestionClassifier.specOf(version(t), t);
    assertEquals(Taxonomy.DEFAULT_INSTRUCTION, spec.instruction());
    assertEquals(List.of("card", "loan"), spec.labels().stream().map(l -> l.name()).toList());
  }

  @Test
  void aCategoryAddedAfterTheModelListsAllCategoriesInThePrompt() throws Exception {
    Taxonomy t = new Taxonomy("banking", 1);
    t.addCategory("card", "card problems", null);
    t.addCategory("loan", null, null);
    ModelVersion v = version(t);
    Thread.sleep(2);
    t.addCategory("crypto", "buying or selling cryptocurrency", null);
    t.retireCategory("loan");
    ModelSpec spec = DjlQuestionClassifier.specOf(v, t);
    assertEquals(
        Taxonomy.DEFAULT_INSTRUCTION
            + "\nCategories:\n- card: card problems\n- crypto: buying or selling cryptocurrency",
        spec.instruction());
    assertEquals(List.of("card", "crypto"), spec.labels().stream().map(l -> l.name()).toList());
    assertEquals(Optional.of("card problems"), spec.labels().get(0).description());
  }
}
