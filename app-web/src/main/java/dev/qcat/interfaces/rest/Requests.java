package dev.qcat.interfaces.rest;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.SecurityContext;
import java.security.Principal;

/** Small checks shared by the resources. */
final class Requests {

  private Requests() {}

  /**
   * @throws BadRequestException naming the missing field
   */
  static <T> T required(T value, String field) {
    if (value == null || (value instanceof String s && s.isBlank())) {
      throw new BadRequestException("\"" + field + "\" is required.");
    }
    return value;
  }

  static String caller(SecurityContext security) {
    Principal p = security.getUserPrincipal();
    return p == null ? "anonymous" : p.getName();
  }
}
