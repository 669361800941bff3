/** Stateless EJB implementations of the application services; transactions start here. */
package dev.qcat.application.internal;
