/**
 * Jakarta Security for the REST API: one authentication mechanism that takes either an API key
 * ({@code X-API-Key}, role api-client) or HTTP Basic (users, roles admin/reviewer), and the two
 * identity stores behind it. Roles are checked by {@code @RolesAllowed} on the resources.
 */
package dev.qcat.interfaces.security;
