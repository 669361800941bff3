package dev.qcat.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The migrations apply to an empty PostgreSQL and enforce the invariants the domain relies on. */
class MigrationsTest {

  private static EmbeddedPostgres pg;

  @BeforeAll
  static void migrate() throws Exception {
    pg = EmbeddedPostgres.start();
    var result =
        Flyway.configure()
            .dataSource(pg.getPostgresDatabase())
            .locations("classpath:db/migration")
            .load()
            .migrate();
    assertTrue(result.migrationsExecuted >= 1, "expected at least V1 to run");
  }

  @AfterAll
  static void stop() throws Exception {
    pg.close();
  }

  @Test
  void allowsOnlyOneActiveModelPerTaxonomy() throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("insert into taxonomy (id, name) values (100, 'one-active')");
      s.execute(
          "insert into model_version (taxonomy_id, name, base_model_path, status)"
              + " values (100, 'a', '/m', 'ACTIVE')");
      assertThrows(
          SQLException.class,
          () ->
              s.execute(
                  "insert into model_version (taxonomy_id, name, base_model_path, status)"
                      + " values (100, 'b', '/m', 'ACTIVE')"));
    }
  }

  @Test
  void defaultsMatchTheDesign() throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("insert into taxonomy (id, name) values (200, 'defaults')");
      var rs =
          s.executeQuery(
              "select review_threshold, audit_rate, instruction from taxonomy where id = 200");
      rs.next();
      assertEquals(0.75, rs.getDouble(1));
      assertEquals(0.02, rs.getDouble(2));
      assertEquals("Categorize the following user query.", rs.getString(3));
    }
  }

  // --- data area (issue 6 part C): V10 ---

  @Test
  void categoriesGetACreationTimeAndPredictionsAZeroShotFlag() throws SQLException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      s.execute("insert into taxonomy (id, name) values (300, 'zero-shot')");
      s.execute("insert into category (id, taxonomy_id, name) values (300, 300, 'card')");
      var rs = s.executeQuery("select created_at is not null from category where id = 300");
      rs.next();
      assertTrue(rs.getBoolean(1), "category.created_at defaults to now()");
      s.execute(
          "insert into model_version (id, taxonomy_id, name, base_model_path)"
              + " values (300, 300, 'm', '/m')");
      s.execute(
          "insert into prediction (question, taxonomy_id, category_id, confidence, top_k,"
              + " model_version_id, latency_ms, routing)"
              + " values ('q', 300, 300, 0.5, '[]', 300, 1, 'REVIEW')");
      rs = s.executeQuery("select zero_shot from prediction where taxonomy_id = 300");
      rs.next();
      assertEquals(false, rs.getBoolean(1), "prediction.zero_shot defaults to false");
    }
  }
}
