/** How device backends plug into {@link org.convcl.Backends}: implement {@link org.convcl.spi.BackendProvider}. */
package org.convcl.spi;
