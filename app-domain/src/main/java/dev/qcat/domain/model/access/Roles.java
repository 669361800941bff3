package dev.qcat.domain.model.access;

/** The three roles of qcat, as used in {@code @RolesAllowed}. */
public final class Roles {
  public static final String ADMIN = "admin";
  public static final String REVIEWER = "reviewer";
  public static final String API_CLIENT = "api-client";

  private Roles() {}
}
