/**
 * The ConvCL API: {@link org.convcl.Tensor} (dense float32, row-major, NCHW for activations), the
 * {@link org.convcl.Backend} operations with PyTorch's semantics, their parameter records with validation and the one
 * output-size formula per operation, the result records, {@link org.convcl.Tolerance}, the
 * {@link org.convcl.VerifyingBackend} and {@link org.convcl.Backends}, which opens a backend by device spec.
 */
package org.convcl;
