/**
 * Internal: the OpenCL runtime on JOCL. A context and in-order queue per device with its program cache, device
 * buffers, kernel launches with their arguments, and the one place JOCL's errors are turned into ours.
 */
package org.convcl.opencl.runtime;
