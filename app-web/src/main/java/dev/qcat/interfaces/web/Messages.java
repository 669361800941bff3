package dev.qcat.interfaces.web;

import jakarta.faces.application.FacesMessage;
import jakarta.faces.context.FacesContext;
import java.text.MessageFormat;
import java.util.Locale;
import java.util.ResourceBundle;

/** Texts from the portal's resource bundle ({@code messages.properties}) as faces messages. */
public final class Messages {

  static final String BUNDLE = "dev.qcat.interfaces.web.messages";

  private Messages() {}

  /**
   * @param key a key of the bundle
   * @param args values for {@code {0}}, {@code {1}}, …
   * @return the formatted text in the view's locale. Never null.
   */
  public static String text(String key, Object... args) {
    FacesContext faces = FacesContext.getCurrentInstance();
    Locale locale =
        faces != null && faces.getViewRoot() != null
            ? faces.getViewRoot().getLocale()
            : Locale.ENGLISH;
    String pattern = ResourceBundle.getBundle(BUNDLE, locale).getString(key);
    return args.length == 0 ? pattern : new MessageFormat(pattern, locale).format(args);
  }

  public static void info(String key, Object... args) {
    add(FacesMessage.SEVERITY_INFO, key, args);
  }

  public static void warn(String key, Object... args) {
    add(FacesMessage.SEVERITY_WARN, key, args);
  }

  public static void error(String key, Object... args) {
    add(FacesMessage.SEVERITY_ERROR, key, args);
  }

  private static void add(FacesMessage.Severity severity, String key, Object... args) {
    String text = text(key, args);
    FacesContext.getCurrentInstance().addMessage(null, new FacesMessage(severity, text, text));
  }
}
