/**
 * The PrimeFaces portal's JSF beans: thin {@code @Named} beans that hold form state and call one
 * application service each, in a sub-package per page ({@code home}, {@code review}, {@code
 * taxonomy}). Sign-in ({@link dev.qcat.interfaces.web.LoginBean}) and the message bundle helper
 * live here. No business rules and no persistence here: those belong to app-domain.
 */
package dev.qcat.interfaces.web;
