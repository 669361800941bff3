/** Placeholder package of module app-batch; see the module's README section. */
package dev.qcat.interfaces.batch;
