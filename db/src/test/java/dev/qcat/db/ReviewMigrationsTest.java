package dev.qcat.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The review-queue migrations (V20 outcome and note, V21 pg_trgm) on the embedded PostgreSQL, the
 * fallback server of {@code scripts/pg.sh}: the extension is there and the nearest-neighbour query
 * of the review page ranks examples by trigram similarity.
 */
class ReviewMigrationsTest {

  private static EmbeddedPostgres pg;

  @BeforeAll
  static void migrate() throws Exception {
    pg = EmbeddedPostgres.start();
    Flyway.configure()
        .dataSource(pg.getPostgresDatabase())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("insert into taxonomy (id, name) values (900, 'review-migrations')");
      s.execute("insert into category (id, taxonomy_id, name) values (901, 900, 'card')");
      s.execute(
          "insert into model_version (id, taxonomy_id, name, base_model_path)"
              + " values (902, 900, 'v1', '/m')");
      s.execute(
          "insert into prediction (id, question, taxonomy_id, category_id, confidence, top_k,"
              + " model_version_id, latency_ms, routing)"
              + " values (903, 'q', 900, 901, 0.3, '[]', 902, 1, 'REVIEW')");
      s.execute("insert into dataset (id, taxonomy_id, name) values (904, 900, 'seed')");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  @Test
  void outcomeIsSetExactlyWhenResolved() throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      assertThrows(
          SQLException.class,
          () ->
              s.execute(
                  "insert into review_task (prediction_id, taxonomy_id, confidence, status)"
                      + " values (903, 900, 0.3, 'RESOLVED')"),
          "RESOLVED without an outcome");
      assertThrows(
          SQLException.class,
          () ->
              s.execute(
                  "insert into review_task (prediction_id, taxonomy_id, confidence, outcome)"
                      + " values (903, 900, 0.3, 'AMBIGUOUS')"),
          "an OPEN task with an outcome");
      s.execute(
          "insert into review_task (prediction_id, taxonomy_id, confidence, status, outcome, note,"
              + " reviewer) values (903, 900, 0.3, 'RESOLVED', 'NEW_CATEGORY', 'fees', 'ann')");
      ResultSet rs =
          s.executeQuery("select outcome, note from review_task where prediction_id = 903");
      assertTrue(rs.next());
      assertEquals("NEW_CATEGORY", rs.getString(1));
      assertEquals("fees", rs.getString(2));
    }
  }

  @Test
  void nearestExamplesByTrigramSimilarity() throws SQLException {
    String[] texts = {
      "my card has not arrived yet",
      "when will my new card arrive",
      "how do I open a savings account",
      "what is the exchange rate for euros"
    };
    try (Connection c = pg.getPostgresDatabase().getConnection()) {
      try (PreparedStatement insert =
          c.prepareStatement(
              "insert into example (dataset_id, text, category_id, source)"
                  + " values (904, ?, 901, 'IMPORT')")) {
        for (String t : texts) {
          insert.setString(1, t);
          insert.executeUpdate();
        }
      }
      try (PreparedStatement q =
          c.prepareStatement(
              "select e.text, similarity(e.text, ?) from example e"
                  + " join dataset d on d.id = e.dataset_id where d.taxonomy_id = 900"
                  + " order by e.text <-> ?, e.id limit 2")) {
        q.setString(1, "my new card has not arrived");
        q.setString(2, "my new card has not arrived");
        ResultSet rs = q.executeQuery();
        List<String> found = new ArrayList<>();
        List<Double> similarity = new ArrayList<>();
        while (rs.next()) {
          found.add(rs.getString(1));
          similarity.add(rs.getDouble(2));
        }
        assertEquals(List.of(texts[0], texts[1]), found);
        assertTrue(similarity.get(0) > similarity.get(1), similarity.toString());
        assertTrue(similarity.get(1) > 0.3, similarity.toString());
      }
    }
  }
}
