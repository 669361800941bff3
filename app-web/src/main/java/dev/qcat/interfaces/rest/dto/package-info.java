/** Request and response bodies of the REST API (records, bound by JSON-B). */
package dev.qcat.interfaces.rest.dto;
