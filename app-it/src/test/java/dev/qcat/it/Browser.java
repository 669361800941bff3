package dev.qcat.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * One headless Chromium (Debian's {@code chromium} + {@code chromium-driver}, PLATFORM.md caveat 6)
 * with a fresh profile, signed in as one portal user. Screenshots go to {@code
 * target/screenshots/<name>.png} (a build artifact).
 */
final class Browser implements AutoCloseable {

  static final String PORTAL =
      System.getProperty(
          "qcat.it.portalUrl",
          Api.BASE.endsWith("/api/v1")
              ? Api.BASE.substring(0, Api.BASE.length() - "/api/v1".length())
              : "http://127.0.0.1:29080/qcat");
  static final Path SCREENSHOTS =
      Path.of(System.getProperty("qcat.it.screenshots", "target/screenshots"));
  private static final String CHROMIUM =
      System.getProperty("qcat.it.chromium", "/usr/bin/chromium");
  private static final String CHROMEDRIVER =
      System.getProperty("qcat.it.chromedriver", "/usr/bin/chromedriver");

  final ChromeDriver driver;
  private final Path profile;

  Browser() {
    try {
      profile = Files.createTempDirectory("qcat-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
        "--no-default-browser-check",
        "--window-size=1280,900",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
            .build();
    driver = new ChromeDriver(service, options);
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
  }

  void open(String path) {
    driver.get(PORTAL + path);
    waitForAjax();
  }

  /** Signs in through the form and waits for the home page. */
  Browser signIn(String user, String password) {
    open("/login.xhtml");
    driver.findElement(By.id("login:username")).sendKeys(user);
    driver.findElement(By.id("login:password")).sendKeys(password);
    driver.findElement(By.id("login:signIn")).click();
    waitUntil(d -> d.getCurrentUrl().contains("/portal/home.xhtml"));
    return this;
  }

  WebElement find(String cssSelector) {
    return driver.findElement(By.cssSelector(cssSelector));
  }

  boolean present(String cssSelector) {
    return !driver.findElements(By.cssSelector(cssSelector)).isEmpty();
  }

  /** Waits (up to 30 s) until the condition holds; PrimeFaces answers by Ajax. */
  <T> T waitUntil(ExpectedCondition<T> condition) {
    return new WebDriverWait(driver, Duration.ofSeconds(30)).until(condition);
  }

  /** Waits until no PrimeFaces Ajax request is in flight. */
  void waitForAjax() {
    waitUntil(
        d ->
            Boolean.TRUE.equals(
                driver.executeScript(
                    "return document.readyState === 'complete' && (!window.PrimeFaces"
                        + " || !PrimeFaces.ajax || PrimeFaces.ajax.Queue.isEmpty());")));
  }

  /** Saves the page as {@code target/screenshots/<name>.png}. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.copy(
          driver.getScreenshotAs(OutputType.FILE).toPath(),
          target,
          StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // a leftover temporary profile is harmless
      }
    }
  }
}
