package dev.qcat.interfaces.security;

import jakarta.security.enterprise.credential.Credential;

/** An API key presented in the {@code X-API-Key} header. */
public record ApiKeyCredential(String key) implements Credential {}
