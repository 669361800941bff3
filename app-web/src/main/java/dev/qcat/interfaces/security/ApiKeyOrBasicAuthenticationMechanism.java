package dev.qcat.interfaces.security;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.security.enterprise.AuthenticationStatus;
import jakarta.security.enterprise.authentication.mechanism.http.HttpAuthenticationMechanism;
import jakarta.security.enterprise.authentication.mechanism.http.HttpMessageContext;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStoreHandler;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * The application's one Jakarta Security mechanism (EE 10 allows one per application), with two
 * ways in:
 *
 * <ul>
 *   <li>{@code /api/*}: each request from {@code X-API-Key} (API clients) or {@code Authorization:
 *       Basic} (users). Wrong credentials answer 401 at once; no credentials pass through
 *       unauthenticated and {@code @RolesAllowed} answers 401 where a role is needed (public
 *       endpoints stay public). No session is created.
 *   <li>the portal (everything else): form sign-in. {@link dev.qcat.interfaces.web.LoginBean} calls
 *       {@code SecurityContext.authenticate} with a {@link UsernamePasswordCredential}; a valid one
 *       is kept in the HTTP session, and later requests are logged in from there. A protected page
 *       without a session redirects to {@code /login.xhtml}; a page the caller's roles do not allow
 *       answers 403 (web.xml).
 * </ul>
 */
@ApplicationScoped
public class ApiKeyOrBasicAuthenticationMechanism implements HttpAuthenticationMechanism {

  static final String API_KEY_HEADER = "X-API-Key";

  @Inject private IdentityStoreHandler identityStores;

  /** Session attribute holding the signed-in portal caller. */
  static final String SESSION_CALLER = "dev.qcat.portal.caller";

  static final String LOGIN_PAGE = "/login.xhtml";

  /** A signed-in portal caller: name and roles (the groups the identity store returned). */
  record PortalCaller(String name, Set<String> groups) implements Serializable {}

  @Override
  public AuthenticationStatus validateRequest(
      HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
    String path = request.getRequestURI().substring(request.getContextPath().length());
    if (path.startsWith("/api/")) {
      return validateApiRequest(request, response, context);
    }
    return validatePortalRequest(request, context);
  }

  private AuthenticationStatus validatePortalRequest(
      HttpServletRequest request, HttpMessageContext context) {
    if (context.isAuthenticationRequest() && context.getAuthParameters().getCredential() != null) {
      CredentialValidationResult result =
          identityStores.validate(context.getAuthParameters().getCredential());
      if (result.getStatus() != CredentialValidationResult.Status.VALID) {
        return context.responseUnauthorized();
      }
      if (request.getSession(false) != null) {
        request.changeSessionId(); // session fixation: a fresh id once signed in
      }
      HttpSession session = request.getSession(true);
      session.setAttribute(
          SESSION_CALLER,
          new PortalCaller(
              result.getCallerPrincipal().getName(), Set.copyOf(result.getCallerGroups())));
      return context.notifyContainerAboutLogin(result);
    }
    HttpSession session = request.getSession(false);
    if (session != null && session.getAttribute(SESSION_CALLER) instanceof PortalCaller c) {
      return context.notifyContainerAboutLogin(c.name(), c.groups());
    }
    if (context.isProtected()) {
      return context.redirect(request.getContextPath() + LOGIN_PAGE);
    }
    return context.doNothing();
  }

  private AuthenticationStatus validateApiRequest(
      HttpServletRequest request, HttpServletResponse response, HttpMessageContext context) {
    Credential credential = credential(request);
    if (credential == null) {
      return context.doNothing();
    }
    CredentialValidationResult result = identityStores.validate(credential);
    if (result.getStatus() == CredentialValidationResult.Status.VALID) {
      return context.notifyContainerAboutLogin(result);
    }
    response.setHeader("WWW-Authenticate", "Basic realm=\"qcat\"");
    return context.responseUnauthorized();
  }

  private static Credential credential(HttpServletRequest request) {
    String key = request.getHeader(API_KEY_HEADER);
    if (key != null && !key.isBlank()) {
      return new ApiKeyCredential(key.trim());
    }
    String auth = request.getHeader("Authorization");
    if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      String decoded;
      try {
        decoded =
            new String(
                Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return new UsernamePasswordCredential("", "");
      }
      int colon = decoded.indexOf(':');
      return colon < 0
          ? new UsernamePasswordCredential(decoded, "")
          : new UsernamePasswordCredential(
              decoded.substring(0, colon), decoded.substring(colon + 1));
    }
    return null;
  }
}
