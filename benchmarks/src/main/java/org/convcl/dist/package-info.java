/**
 * {@code convcl dist}: the self-contained bundle (trimmed Java runtime, jars, OpenCL loader, launcher). It lives in
 * the benchmarks module because that is the top of the reactor, the one module that sees every jar the bundle ships.
 */
package org.convcl.dist;
