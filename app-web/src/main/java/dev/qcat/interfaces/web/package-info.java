/** Placeholder package of module app-web; see the module's README section. */
package dev.qcat.interfaces.web;
