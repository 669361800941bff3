/**
 * The qcat domain: aggregates, their repositories (interfaces) and the ports the domain needs from
 * the outside world ({@code service}). Nothing here knows about JAX-RS, JSF, tensors or SQL; JPA
 * annotations are the one concession, as in cargotracker.
 */
package dev.qcat.domain;
