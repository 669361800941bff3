/**
 * Ports: what the domain needs from outside and does not implement itself, like cargotracker's
 * {@code RoutingService}. The adapters live in {@code dev.qcat.infrastructure}.
 */
package dev.qcat.domain.service;
