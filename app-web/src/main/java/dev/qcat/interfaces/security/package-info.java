/**
 * Jakarta Security for the REST API and the portal: one authentication mechanism that takes an API
 * key ({@code X-API-Key}, role api-client) or HTTP Basic (users, roles admin/reviewer) on {@code
 * /api/*}, and form sign-in kept in the session for the portal's pages; and the two identity stores
 * behind it. Roles are checked by {@code @RolesAllowed} on the resources and by web.xml constraints
 * on the pages.
 */
package dev.qcat.interfaces.security;
