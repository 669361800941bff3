package dev.qcat.interfaces.web;

import jakarta.enterprise.context.RequestScoped;
import jakarta.faces.context.ExternalContext;
import jakarta.faces.context.FacesContext;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.SecurityContext;
import jakarta.security.enterprise.authentication.mechanism.http.AuthenticationParameters;
import jakarta.security.enterprise.credential.Password;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult.Status;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Form sign-in and sign-out of the portal. The credential goes to Jakarta Security ({@code
 * SecurityContext.authenticate}); the application's authentication mechanism checks it against the
 * user store and keeps the caller in the session.
 */
@Named("login")
@RequestScoped
public class LoginBean {

  static final String HOME = "/portal/home.xhtml";

  @Inject private SecurityContext security;
  @Inject private FacesContext faces;
  @Inject private IdentityStoreHandler identityStores;

  private String username;
  private String password;

  /** Signs in; on success redirects to the home page, else shows why and stays. */
  public void signIn() throws IOException {
    ExternalContext external = faces.getExternalContext();
    UsernamePasswordCredential credential =
        new UsernamePasswordCredential(username, new Password(password));
    // Checked here first, so that a wrong password renders this page again with a message
    // instead of the mechanism's 401 (the identity store remembers a valid check for a while).
    if (identityStores.validate(credential).getStatus() != Status.VALID) {
      Messages.error("login.failed");
      return;
    }
    AuthenticationStatus status =
        security.authenticate(
            (HttpServletRequest) external.getRequest(),
            (HttpServletResponse) external.getResponse(),
            AuthenticationParameters.withParams().newAuthentication(true).credential(credential));
    switch (status) {
      case SUCCESS -> external.redirect(external.getRequestContextPath() + HOME);
      case SEND_CONTINUE -> faces.responseComplete();
      default -> Messages.error("login.failed");
    }
  }

  /** Signs out, ends the session and returns to the sign-in page. */
  public void signOut() throws IOException, ServletException {
    ExternalContext external = faces.getExternalContext();
    ((HttpServletRequest) external.getRequest()).logout();
    external.invalidateSession();
    external.redirect(external.getRequestContextPath() + "/login.xhtml");
  }

  public String getUsername() {
    return username;
  }

  public void setUsername(String username) {
    this.username = username;
  }

  public String getPassword() {
    return password;
  }

  public void setPassword(String password) {
    this.password = password;
  }
}
