/** Placeholder package of module app-domain; see the module's README section. */
package dev.qcat.domain;
