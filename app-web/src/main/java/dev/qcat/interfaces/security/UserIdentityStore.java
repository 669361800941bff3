package dev.qcat.interfaces.security;

import dev.qcat.application.AccessService;
import dev.qcat.domain.model.access.AppUser;
import dev.qcat.domain.model.access.PasswordHashing;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.security.enterprise.credential.Credential;
import jakarta.security.enterprise.credential.UsernamePasswordCredential;
import jakarta.security.enterprise.identitystore.CredentialValidationResult;
import jakarta.security.enterprise.identitystore.IdentityStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Validates user name + password against the PBKDF2 hashes in {@code app_user}. PBKDF2 is slow on
 * purpose (~0.1 s), and Basic auth sends the password on every call, so a successful check is
 * remembered for five minutes, keyed by user and SHA-256 of the password (never the password).
 */
@ApplicationScoped
public class UserIdentityStore implements IdentityStore {

  private static final long REMEMBER_NANOS = 5L * 60 * 1_000_000_000;

  @EJB private AccessService access;

  private final Map<String, Remembered> verified = new ConcurrentHashMap<>();

  private record Remembered(Set<String> roles, long until) {}

  @Override
  public CredentialValidationResult validate(Credential credential) {
    if (!(credential instanceof UsernamePasswordCredential up)) {
      return CredentialValidationResult.NOT_VALIDATED_RESULT;
    }
    String user = up.getCaller();
    String cacheKey = user + ":" + sha256(up.getPasswordAsString());
    Remembered r = verified.get(cacheKey);
    if (r != null && r.until() > System.nanoTime()) {
      return new CredentialValidationResult(user, r.roles());
    }
    Optional<AppUser> found = access.findUser(user);
    if (found.isEmpty()
        || !PasswordHashing.verify(up.getPassword().getValue(), found.get().passwordHash())) {
      verified.remove(cacheKey);
      return CredentialValidationResult.INVALID_RESULT;
    }
    Set<String> roles = found.get().roles();
    verified.put(cacheKey, new Remembered(roles, System.nanoTime() + REMEMBER_NANOS));
    return new CredentialValidationResult(user, roles);
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
