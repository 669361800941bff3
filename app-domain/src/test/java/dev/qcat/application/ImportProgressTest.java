package dev.qcat.application;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.qcat.application.DatasetImportService.Format;
import dev.qcat.domain.model.dataset.ImportReport;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImportProgressTest {

  @Test
  void percentFollowsTheRecordsAndReaches100OnlyWhenFinished() {
    ImportProgress p = new ImportProgress();
    assertEquals(0, p.percent(), "still parsing");
    p.start(4);
    p.step();
    assertEquals(25, p.percent());
    p.step();
    p.step();
    p.step();
    assertEquals(99, p.percent(), "all records processed, not yet committed");
    assertFalse(p.finished());
    p.finish(new ImportReport(1, 4, 4, List.of()));
    assertEquals(100, p.percent());
    assertTrue(p.finished());
  }

  @Test
  void aFailureEndsTheProgressWithItsReason() {
    ImportProgress p = new ImportProgress();
    p.start(10);
    p.fail("disk full");
    assertEquals(100, p.percent());
    assertEquals("disk full", p.failure());
  }

  @Test
  void formatFollowsTheFileName() {
    assertEquals(Format.CSV, Format.ofFileName("banking77.CSV"));
    assertEquals(Format.JSONL, Format.ofFileName("train.jsonl"));
    assertEquals(Format.JSONL, Format.ofFileName(null));
  }
}
