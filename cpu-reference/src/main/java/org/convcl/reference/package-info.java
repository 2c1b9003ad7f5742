/**
 * The specification: every operation as obvious loops accumulating in double, reached as a backend through
 * {@link org.convcl.reference.ReferenceBackend} (device spec {@code reference}). Every device result is checked
 * against it.
 */
package org.convcl.reference;
