package dev.qcat.application.internal;

import dev.qcat.application.AccessService;
import dev.qcat.domain.model.access.PasswordHashing;
import dev.qcat.domain.model.access.Roles;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Creates the users {@code admin} (roles admin, reviewer) and {@code reviewer} on first start when
 * their passwords are configured (MicroProfile Config {@code qcat.bootstrap.admin-password}, {@code
 * qcat.bootstrap.reviewer-password}; scripts/payara.sh sets them). Existing users are left alone,
 * so changing the property later changes nothing.
 */
@Singleton
@Startup
@DependsOn("SchemaMigration")
public class AccessBootstrap {

  private static final Logger LOG = Logger.getLogger(AccessBootstrap.class.getName());

  @EJB private AccessService access;

  @Inject
  @ConfigProperty(name = "qcat.bootstrap.admin-password")
  private Optional<String> adminPassword;

  @Inject
  @ConfigProperty(name = "qcat.bootstrap.reviewer-password")
  private Optional<String> reviewerPassword;

  @PostConstruct
  void createUsers() {
    adminPassword.ifPresentOrElse(
        p -> create("admin", p, Set.of(Roles.ADMIN, Roles.REVIEWER)),
        () -> LOG.warning("qcat.bootstrap.admin-password is not set: no admin user created"));
    reviewerPassword.ifPresent(p -> create("reviewer", p, Set.of(Roles.REVIEWER)));
  }

  private void create(String user, String password, Set<String> roles) {
    access.createUserIfAbsent(user, PasswordHashing.hash(password.toCharArray()), roles);
  }
}
