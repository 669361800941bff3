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
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Authenticates each request from {@code X-API-Key} (API clients) or {@code Authorization: Basic}
 * (users). Wrong credentials answer 401 at once; no credentials pass through unauthenticated and
 * {@code @RolesAllowed} answers 401 where a role is needed (public endpoints stay public).
 */
@ApplicationScoped
public class ApiKeyOrBasicAuthenticationMechanism implements HttpAuthenticationMechanism {

  static final String API_KEY_HEADER = "X-API-Key";

  @Inject private IdentityStoreHandler identityStores;

  @Override
  public AuthenticationStatus validateRequest(
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
