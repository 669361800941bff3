package dev.qcat.interfaces.batch.datasetimport;

import dev.qcat.interfaces.batch.common.JobParameters;
import jakarta.batch.api.chunk.AbstractItemReader;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Streams the file named by job parameter {@code file} (a path on the server), one non-blank line
 * per item; never holds more than one line. The checkpoint is the number of the last line read, so
 * a restarted import continues after the last committed chunk.
 */
@Named("importLineReader")
@Dependent
public class ImportLineReader extends AbstractItemReader {

  @Inject private JobContext job;

  private BufferedReader in;
  private long lineNo;

  @Override
  public void open(Serializable checkpoint) throws IOException {
    Path file = Path.of(JobParameters.of(job).text("file"));
    if (!Files.isReadable(file)) {
      throw new IOException("import file " + file + " does not exist or cannot be read");
    }
    // Malformed UTF-8 becomes U+FFFD (the processor reports such lines) instead of failing a read.
    in =
        new BufferedReader(
            new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8));
    long skip = checkpoint == null ? 0 : (Long) checkpoint;
    while (lineNo < skip && in.readLine() != null) {
      lineNo++;
    }
  }

  @Override
  public Object readItem() throws IOException {
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNo++;
      if (!line.isBlank()) {
        return new RawLine(lineNo, line);
      }
    }
    return null;
  }

  @Override
  public Serializable checkpointInfo() {
    return lineNo;
  }

  @Override
  public void close() throws IOException {
    if (in != null) {
      in.close();
    }
  }
}
