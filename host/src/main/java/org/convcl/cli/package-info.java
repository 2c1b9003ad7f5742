/** The {@code convcl} command line: one class per command, NumPy {@code .npy} files in and out. */
package org.convcl.cli;
