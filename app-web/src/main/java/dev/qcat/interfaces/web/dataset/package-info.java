/**
 * The datasets page bean (admin): datasets of a taxonomy, upload with an import report before
 * anything is stored, and a lazy table of examples. Parsing and storing stay in app-domain.
 */
package dev.qcat.interfaces.web.dataset;
