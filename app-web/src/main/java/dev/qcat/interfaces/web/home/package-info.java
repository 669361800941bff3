/**
 * The home page bean: counts and the active models, read from the application services. Nothing is
 * changed from here.
 */
package dev.qcat.interfaces.web.home;
