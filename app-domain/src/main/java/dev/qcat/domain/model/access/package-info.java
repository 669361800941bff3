/**
 * Who may call qcat: people ({@code AppUser}, PBKDF2 password hash, roles admin/reviewer) and
 * machines ({@code ApiClient}, SHA-256 of an API key, role api-client). Secrets are never stored in
 * clear.
 */
package dev.qcat.domain.model.access;
