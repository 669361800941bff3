/**
 * The PrimeFaces portal's JSF beans: thin {@code @Named} beans that hold form state and call one
 * application service each, in a sub-package per page ({@code home}, {@code review}, {@code
 * taxonomy}). Sign-in ({@link dev.qcat.interfaces.web.LoginBean}), the message bundle helper and
 * the base of the pages that work on one chosen taxonomy ({@link
 * dev.qcat.interfaces.web.TaxonomyPageBean}) live here. No business rules and no persistence here:
 * those belong to app-domain.
 */
package dev.qcat.interfaces.web;
