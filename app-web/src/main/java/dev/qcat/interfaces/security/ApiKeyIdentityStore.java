package dev.qcat.interfaces.security;

import dev.qcat.application.AccessService;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;

/** Validates API keys against the stored SHA-256 hashes; grants role api-client. */
@ApplicationScoped
public class ApiKeyIdentityStore implements IdentityStore {

  @EJB private AccessService access;

  @Override
  public CredentialValidationResult validate(Credential credential) {
    if (!(credential instanceof ApiKeyCredential key)) {
      return CredentialValidationResult.NOT_VALIDATED_RESULT;
    }
    return access
        .authenticateApiKey(key.key())
        .map(c -> new CredentialValidationResult(c.name(), c.roles()))
        .orElse(CredentialValidationResult.INVALID_RESULT);
  }
}
