package dev.qcat.interfaces.batch.datasetimport;

import dev.qcat.application.ExampleBulkImport;
import dev.qcat.application.ExampleBulkImport.NewExample;
import dev.qcat.interfaces.batch.common.JobParameters;
import jakarta.batch.api.chunk.AbstractItemWriter;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.util.ArrayList;
import java.util.List;

/** Stores a chunk of validated lines in the chunk's transaction (one batched INSERT). */
@Named("importExampleWriter")
@Dependent
public class ImportExampleWriter extends AbstractItemWriter {

  @Inject private JobContext job;
  @Inject private ExampleBulkImport bulk;

  @Override
  public void writeItems(List<Object> items) throws Exception {
    JobParameters p = JobParameters.of(job);
    List<NewExample> examples = new ArrayList<>(items.size());
    for (Object o : items) {
      examples.add((NewExample) o);
    }
    bulk.insert(p.number("datasetId"), examples, p.flag("createCategories", false));
  }
}
